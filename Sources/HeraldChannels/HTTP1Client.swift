import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// HTTP/1.1 on SwiftNIO's event loops for the profile drivers: per origin, up to `connections`
/// keep-alive connections, each taking the next waiting request as soon as it is free. A batch goes to
/// the pool in one hand-off and its caller resumes once; on the event loops a request costs one write
/// and one read, with no task, continuation or thread hop of its own. APNs needs HTTP/2 and FCM shares
/// its code, so both stay on AsyncHTTPClient.
final class HTTP1Client: Sendable {
    private let connections: Int
    private let group: any EventLoopGroup
    private let tls: NIOSSLContext
    private let connectTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    /// Nil once shut down.
    private let pools = NIOLockedValueBox<[HTTP1Origin: HTTP1OriginPool]?>([:])

    /// `caFile`: a PEM bundle that replaces the system's trusted CAs for this endpoint (a gateway on a
    /// private CA). Throws when the bundle cannot be loaded. A connection idle for `idleTimeout` is closed:
    /// a firewall or NAT that silently forgets an idle connection would otherwise cost the next request
    /// its whole timeout.
    init(
        connections: Int, caFile: String? = nil, connectTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile { configuration.trustRoots = .file(caFile) }
        self.tls = try NIOSSLContext(configuration: configuration)
        self.connections = max(connections, 1)
        self.connectTimeout = .nanoseconds(Self.nanoseconds(connectTimeout))
        self.idleTimeout = .nanoseconds(Self.nanoseconds(idleTimeout))
        self.group = group
    }

    /// Sends `request` and reads the whole response, keeping the headers named in `keptHeaders`
    /// (lower-cased).
    func execute(_ request: PreparedRequest, keptHeaders: [String], timeout: Duration) async throws(HTTPTransportError)
        -> ProviderResponse
    {
        let (outcome, _) = await execute(batch: [request], urgent: [false], keptHeaders: keptHeaders, timeout: timeout)[0]
        return try outcome.get()
    }

    /// Sends every request, as many at once as the pool has connections, and returns the outcomes with
    /// each request's latency, in the order given. An `urgent` request goes ahead of the waiting ones.
    func execute(batch requests: [PreparedRequest], urgent: [Bool], keptHeaders: [String], timeout: Duration) async
        -> [(outcome: HTTP1Job.Outcome, latency: Duration)]
    {
        guard !requests.isEmpty else { return [] }
        let amount = TimeAmount.nanoseconds(Self.nanoseconds(timeout))
        let placeholder = (outcome: HTTP1Job.Outcome.failure(.init(kind: .unavailable)), latency: Duration.zero)
        return await withCheckedContinuation { continuation in
            let collector = BatchCollector(count: requests.count, placeholder: placeholder, continuation: continuation)
            var jobs: [HTTP1Job] = []
            jobs.reserveCapacity(requests.count)
            for (index, request) in requests.enumerated() {
                guard let (origin, target) = HTTP1Origin.split(request.url) else {
                    collector.finish(index, with: (.failure(.init(kind: .unsupportedURL)), .zero))
                    continue
                }
                jobs.append(
                    HTTP1Job(
                        request: request, origin: origin, target: target, keptHeaders: keptHeaders, timeout: amount,
                        urgent: urgent[index]
                    ) { outcome, latency in collector.finish(index, with: (outcome, latency)) })
            }
            submit(jobs)
        }
    }

    /// Hands each job to its origin's pool, consecutive jobs for one origin in one hand-off.
    private func submit(_ jobs: [HTTP1Job]) {
        var start = jobs.startIndex
        while start < jobs.endIndex {
            let origin = jobs[start].origin
            var end = start + 1
            while end < jobs.endIndex, jobs[end].origin == origin { end += 1 }
            if let pool = pool(for: origin) {
                pool.submit(jobs[start..<end])
            } else {
                for job in jobs[start..<end] { job.finish(.failure(.init(kind: .unavailable))) }
            }
            start = end
        }
    }

    private func pool(for origin: HTTP1Origin) -> HTTP1OriginPool? {
        pools.withLockedValue { pools in
            guard pools != nil else { return nil }
            if let pool = pools?[origin] { return pool }
            let pool = HTTP1OriginPool(
                origin: origin, maxConnections: connections, group: group, tls: origin.tls ? tls : nil,
                connectTimeout: connectTimeout, idleTimeout: idleTimeout
            ) { [weak self] job in
                guard let self else { return job.finish(.failure(.init(kind: .unavailable))) }
                self.submit([job])
            }
            pools?[origin] = pool
            return pool
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64.max / 1_000_000_000 else { return .max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Lets requests in flight finish, then closes every connection.
    func shutdown() async {
        let open = pools.withLockedValue { pools in
            defer { pools = nil }
            return Array((pools ?? [:]).values)
        }
        for pool in open { await pool.shutdown() }
    }
}
