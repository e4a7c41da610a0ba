import AsyncHTTPClient
import Foundation
import HeraldChannels
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import Synchronization

extension E2EPhases {
    /// One campaign's rate and the daemon's CPU per 1,000 of its messages.
    struct CampaignCost {
        var rate: Double
        var cpuPerThousand: Double
    }

    /// The live-tail row against fair controls. Every campaign runs on a database holding every earlier one, so
    /// the first campaign (on a nearly empty one) flatters the daemon against any later one: the campaign with
    /// subscribers is compared with the mean of a campaign without them just before it and one just after.
    func liveTail(contacts: Int, clients: Int, firstCampaign: CampaignCost?) async throws -> [Row] {
        let before = try await controlCampaign(tag: "e2ec3", contacts: contacts)
        let (rows, withTail) = try await campaignWithLiveTail(tag: "e2ec4", contacts: contacts, clients: clients)
        let after = try await controlCampaign(tag: "e2ec5", contacts: contacts)
        let control = CampaignCost(
            rate: (before.rate + after.rate) / 2, cpuPerThousand: (before.cpuPerThousand + after.cpuPerThousand) / 2)
        let first = firstCampaign.map {
            String(format: "; against the first campaign: %+.0f%% CPU, %.0f%% of its rate",
                (withTail.cpuPerThousand / $0.cpuPerThousand - 1) * 100, withTail.rate / $0.rate * 100)
        } ?? ""
        return rows + [
            Row(scenario: "campaign without subscribers, just before and just after (control)", metric: "msgs/s",
                median: control.rate, unit: "/s",
                note: String(format: "%.0f and %.0f /s at %.0f and %.0f ms of herald CPU per 1,000 messages",
                    before.rate, after.rate, before.cpuPerThousand, after.cpuPerThousand)),
            Row(scenario: "live-tail clients' cost to the daemon", metric: "% CPU per message",
                median: (withTail.cpuPerThousand / control.cpuPerThousand - 1) * 100, unit: "%",
                note: String(format: "against the controls' mean (target ≤ 5%%); rate %.0f%% of theirs", withTail.rate / control.rate * 100)
                    + first,
                format: "%+.1f"),
        ]
    }

    /// The campaign again with no subscriber.
    func controlCampaign(tag: String, contacts: Int) async throws -> CampaignCost {
        try? await Task.sleep(for: E2EBench.expressWindowPause)
        let cpuBefore = herald.cpuSeconds()
        let (run, _, _) = try await sendCampaign(tag: tag, contacts: contacts) {}
        guard run.complete else { throw HeraldBenchError("control campaign \(tag) did not finish") }
        return CampaignCost(rate: run.rate, cpuPerThousand: herald.cpuPerThousand(since: cpuBefore, messages: contacts))
    }

    /// The campaign again with `clients` live-tail subscribers on `/v1/deliveries/stream`: half read every
    /// event, half never read a byte (a stalled dashboard). Issue 14: they may cost the engine ≤ 5%.
    func campaignWithLiveTail(tag: String, contacts: Int, clients: Int) async throws -> ([Row], CampaignCost) {
        try? await Task.sleep(for: E2EBench.expressWindowPause)
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
        let dropped = ManagedCounter()
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
                        if inflate { dropped.add(Self.droppedCount(in: chunk)) }
                    }
                } else {
                    // Holds the stream open without reading it.
                    try? await Task.sleep(for: .seconds(3_600))
                }
            }
        }
        try? await Task.sleep(for: .seconds(1))
        let cpuBefore = herald.cpuSeconds()
        let (run, _, _) = try await sendCampaign(tag: tag, contacts: contacts) {}
        let cost = CampaignCost(rate: run.rate, cpuPerThousand: herald.cpuPerThousand(since: cpuBefore, messages: contacts))
        for subscriber in subscribers { subscriber.cancel() }
        try? await tail.shutdown()
        let missing = run.complete ? "" : "; only \(run.tally.count) of \(contacts) reached the sink within the limit"
        let rows = [
            Row(scenario: "campaign with \(clients) live-tail clients: POST → last message", metric: "msgs/s", median: run.rate,
                unit: "/s",
                note: "\(clients / 2) reading\(gzip ? " gzip" : "") (\(read.value / 1_048_576) MiB in \(chunks.value) chunks\(inflate ? " after inflating" : gzip ? " as sent, not inflated" : "")), \(clients - clients / 2) never reading\(missing)"
                    + (inflate ? "; the readers were told of \(dropped.value) dropped events" : "")),
            Row(scenario: "campaign with \(clients) live-tail clients: herald CPU per 1,000 messages", metric: "ms",
                median: cost.cpuPerThousand, unit: "ms",
                note: "what the subscribers cost the daemon itself; the readers run in this benchmark, on the same cores",
                format: "%.0f"),
        ]
        return (rows, cost)
    }

    /// The events a reader was told it missed (`data: {"dropped":N}`) in one piece of its stream; a count split
    /// across two pieces is missed, so this is a lower bound.
    static func droppedCount(in chunk: ByteBuffer) -> Int {
        let marker = Array(#"{"dropped":"#.utf8)
        let bytes = Array(chunk.readableBytesView)
        var total = 0
        var index = 0
        while index + marker.count <= bytes.count {
            guard bytes[index] == marker[0], bytes[index..<index + marker.count].elementsEqual(marker) else {
                index += 1
                continue
            }
            index += marker.count
            var count = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                count = count * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            total += count
        }
        return total
    }
}

/// A byte count shared by the reading subscribers.
final class ManagedCounter: Sendable {
    private let total = Mutex(0)
    func add(_ bytes: Int) { total.withLock { $0 += bytes } }
    var value: Int { total.withLock { $0 } }
}
