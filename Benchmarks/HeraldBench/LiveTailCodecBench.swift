import Foundation
import HeraldCore
import HeraldEngine
import HeraldHTTP

/// The live tail's own per-event work: a campaign's claim (`sending`) and outcome (`sent`) events written as
/// Server-Sent Events frames into one buffer, as a published batch is encoded once for every subscriber. One core,
/// no network; in a profile of the daemon with 100 subscribers this was the largest single cost they added.
enum LiveTailCodecBench {
    static func run(events count: Int, rounds: Int) -> [Row] {
        let at = Date(timeIntervalSince1970: 1_796_000_000.123)
        let batch = (0..<1000).map { index in
            DeliveryEvent(
                seq: UInt64(9_000_000 + index), at: at, deliveryId: Int64(3_000_000 + index), jobId: 1042,
                contactId: "m\(40_000 + index)", channel: .sms, state: index.isMultiple(of: 2) ? .sending : .sent,
                instance: index.isMultiple(of: 2) ? nil : "sms-nginx", attempt: 1)
        }
        var rates: [Double] = []
        var bytes = 0
        for _ in 0..<rounds {
            let clock = ContinuousClock()
            let start = clock.now
            var written = 0
            while written < count {
                var frames: [UInt8] = []
                frames.reserveCapacity(batch.count * 256)
                SSEFrame.append(batch, to: &frames)
                bytes = frames.count
                written += batch.count
            }
            let elapsed = clock.now - start
            rates.append(Double(written) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        }
        let list = rates.map { String(format: "%.0f", $0) }.joined(separator: " / ")
        return [
            Row(scenario: "live-tail frames: SSEFrame.append, a batch", metric: "events/s (one core)", median: Measure.median(rates),
                unit: "/s", note: "batches of 1,000 claim and outcome events, \(bytes / 1000) bytes each; rounds \(list)")
        ]
    }
}
