import Foundation
import HeraldChannels
import HeraldCore

/// Herald's own per-message work in an HTTP send, without the network: build the generic-json request
/// from the profile and classify a canned 200 `{"id":"x"}`. One core; steadier than the loopback rows,
/// so it shows driver-code changes that the noisy end-to-end numbers would hide.
enum ProfileCodecBench {
    static func run(calls: Int, rounds: Int) throws -> [Row] {
        let profile = try ProfileCatalog.parse(
            yaml: String(contentsOf: DriverBench.channelsDirectory.appendingPathComponent("generic-json/profile.yaml"), encoding: .utf8),
            file: "generic-json/profile.yaml")
        let response = ProviderResponse(status: 200, headers: ["content-type": "application/json"], body: Array(#"{"id":"x"}"#.utf8))
        let now = Date()
        let plan = RequestPlan(sendOf: profile)  // as HTTPProfileDriver keeps it
        var rates: [Double] = []
        var sent = 0
        for _ in 0..<rounds {
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<calls {
                let fields = [
                    "to": "+98912\(index)", "to_digits": "98912\(index)", "text": HTTPDriverBench.smsText,
                    "idempotency_key": "bench-\(index)", "delivery_id": String(index), "job_id": "1", "attempt": "1",
                ]
                let values = TemplateValues(fields: fields, options: ["from": "Herald"], secrets: ["api_token": "bench-token"])
                let request = try plan.prepare(baseURL: "http://127.0.0.1:9000", values: values)
                if profile.classify(response, values: values, now: now).outcome == .sent, request.body != nil { sent += 1 }
            }
            let elapsed = clock.now - start
            rates.append(Double(calls) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        }
        let rounds = rates.map { String(format: "%.0f", $0) }.joined(separator: " / ")
        return [
            Row(scenario: "generic-json prepareSend + classify", metric: "calls/s (one core)", median: Measure.median(rates), unit: "/s",
                note: "no network; \(calls) calls × \(rates.count) rounds, rounds \(rounds); sent=\(sent)")
        ]
    }
}
