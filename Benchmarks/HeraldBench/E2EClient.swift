import AsyncHTTPClient
import Foundation
import HeraldChannels
import NIOCore
import NIOHTTP1

/// The HTTP side of `e2e`: requests to Herald's API and Kannel's `sendsms`, on one AsyncHTTPClient pool.
struct E2EClient: Sendable {
    let http: HTTPClient

    init(connections: Int) { http = HTTPClient.forChannelInstance(connections: connections) }

    func shutdown() async { try? await http.shutdown() }

    /// One request; the status and body. Transport errors throw.
    func call(
        _ method: String, _ url: String, key: String? = nil, body: String? = nil, contentType: String = "application/json"
    ) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }

    /// Requests `0..<count` through `request`, `concurrency` at a time (worker w takes w, w+concurrency, …).
    /// Each request's latency in seconds (nil where it failed), and the wall time from the first start to the
    /// last answer.
    static func drive(
        count: Int, concurrency: Int, _ request: @escaping @Sendable (Int) async -> Bool
    ) async -> (latencies: [Double], failed: Int, seconds: Double) {
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        var failed = 0
        let seconds = await Measure.seconds {
            await withTaskGroup(of: ([Double], Int).self) { group in
                for worker in 0..<min(concurrency, count) {
                    group.addTask {
                        var mine: [Double] = []
                        var misses = 0
                        let clock = ContinuousClock()
                        for index in stride(from: worker, to: count, by: concurrency) {
                            let start = clock.now
                            let ok = await request(index)
                            let elapsed = clock.now - start
                            if ok {
                                mine.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
                            } else {
                                misses += 1
                            }
                        }
                        return (mine, misses)
                    }
                }
                for await (mine, misses) in group {
                    latencies += mine
                    failed += misses
                }
            }
        }
        return (latencies, failed, seconds)
    }

    /// The value at quantile `q` (0…1) of `values`.
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((Double(sorted.count) * q).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
