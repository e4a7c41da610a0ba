import AsyncHTTPClient
import Foundation
import HeraldChannels
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import Synchronization

extension E2EPhases {
    /// The campaign again with `clients` live-tail subscribers on `/v1/deliveries/stream`: half read every
    /// event, half never read a byte (a stalled dashboard). Issue 14: they may cost the engine ≤ 5%.
    func campaignWithLiveTail(contacts: Int, clients: Int, baseline: Double?, baselineCPU: Double?) async throws -> [Row] {
        // Readers ask for gzip and inflate it, as a browser's EventSource does; HERALD_BENCH_E2E_TAIL_GZIP=0
        // measures plain streams instead; HERALD_BENCH_E2E_TAIL_GZIP=wire asks for gzip and counts the compressed
        // bytes without inflating them.
        let mode = ProcessInfo.processInfo.environment["HERALD_BENCH_E2E_TAIL_GZIP"]
        let gzip = mode != "0"
        let inflate = gzip && mode != "wire"
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)
        configuration.decompression = inflate ? .enabled(limit: .none) : .disabled
        let tail = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let url = "\(herald.baseURL)/v1/deliveries/stream"
        let key = herald.key
        let read = ManagedCounter()
        let chunks = ManagedCounter()
        let subscribers = (0..<clients).map { index in
            Task {
                var request = HTTPClientRequest(url: url)
                request.headers.add(name: "Authorization", value: "Bearer \(key)")
                if gzip { request.headers.add(name: "Accept-Encoding", value: "gzip") }
                guard let response = try? await tail.execute(request, timeout: .seconds(3_600)), response.status == .ok
                else { return }
                if index.isMultiple(of: 2) {
                    for try await chunk in response.body {
                        read.add(chunk.readableBytes)
                        chunks.add(1)
                    }
                } else {
                    // Holds the stream open without reading it.
                    try? await Task.sleep(for: .seconds(3_600))
                }
            }
        }
        try? await Task.sleep(for: .seconds(1))
        let cpuBefore = herald.cpuSeconds()
        let (run, _, _) = try await sendCampaign(tag: "e2ec3", contacts: contacts) {}
        let cpuPerThousand = herald.cpuPerThousand(since: cpuBefore, messages: contacts)
        for subscriber in subscribers { subscriber.cancel() }
        try? await tail.shutdown()
        let versus = baseline.map { String(format: "%.0f%% of the first campaign's rate (target ≥ 95%%)", run.rate / $0 * 100) } ?? ""
        let missing = run.complete ? "" : "; only \(run.tally.count) of \(contacts) reached the sink within the limit"
        let cpuVersus = baselineCPU.map { String(format: "%+.0f%% against the first campaign's", (cpuPerThousand / $0 - 1) * 100) } ?? ""
        return [
            Row(scenario: "campaign with \(clients) live-tail clients: POST → last message", metric: "msgs/s", median: run.rate,
                unit: "/s",
                note: "\(versus); \(clients / 2) reading\(gzip ? " gzip" : "") (\(read.value / 1_048_576) MiB in \(chunks.value) chunks\(inflate ? " after inflating" : gzip ? " as sent, not inflated" : "")), \(clients - clients / 2) never reading\(missing)"),
            Row(scenario: "campaign with \(clients) live-tail clients: herald CPU per 1,000 messages", metric: "ms",
                median: cpuPerThousand, unit: "ms",
                note: "\(cpuVersus): what the subscribers cost the daemon itself; the readers run in this benchmark, on the same cores",
                format: "%.0f"),
        ]
    }
}

/// A byte count shared by the reading subscribers.
final class ManagedCounter: Sendable {
    private let total = Mutex(0)
    func add(_ bytes: Int) { total.withLock { $0 += bytes } }
    var value: Int { total.withLock { $0 } }
}
