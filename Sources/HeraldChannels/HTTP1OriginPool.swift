import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The keep-alive connections to one origin and the requests waiting for one. A connection takes the
/// next request as soon as it is free, so a batch drains over all of them without a task per request.
/// Urgent requests (an OTP) wait in a queue of their own that every free connection serves first: one
/// lands behind at most the requests already on the wire, not behind a campaign's queued batches.
final class HTTP1OriginPool: Sendable {
    enum Next {
        case job(HTTP1Job)
        case idle
        case close
    }

    let origin: HTTP1Origin
    private let maxConnections: Int
    private let group: any EventLoopGroup
    private let tls: NIOSSLContext?
    private let connectTimeout: TimeAmount
    let idleTimeout: TimeAmount
    /// Where a redirect goes: the client, which knows every origin's pool.
    private let router: @Sendable (HTTP1Job) -> Void
    private let state = NIOLockedValueBox(State())

    private struct State {
        var urgent = CircularBuffer<HTTP1Job>()
        var queue = CircularBuffer<HTTP1Job>()
        var idle: [(id: ObjectIdentifier, connection: NIOLoopBound<HTTP1Connection>)] = []
        /// Connections open or being opened.
        var open = 0
        var shutDown = false
        var drained: [CheckedContinuation<Void, Never>] = []

        var waiting: Int { urgent.count + queue.count }

        /// `first`: a request sent once already (a replay) goes back to the front of its queue.
        mutating func enqueue(_ job: HTTP1Job, first: Bool = false) {
            switch (job.urgent, first) {
            case (true, false): urgent.append(job)
            case (true, true): urgent.prepend(job)
            case (false, false): queue.append(job)
            case (false, true): queue.prepend(job)
            }
        }

        mutating func removeAllWaiting() -> [HTTP1Job] {
            defer {
                urgent.removeAll()
                queue.removeAll()
            }
            return Array(urgent) + Array(queue)
        }
    }

    init(
        origin: HTTP1Origin, maxConnections: Int, group: any EventLoopGroup, tls: NIOSSLContext?,
        connectTimeout: TimeAmount, idleTimeout: TimeAmount, router: @escaping @Sendable (HTTP1Job) -> Void
    ) {
        self.origin = origin
        self.maxConnections = max(maxConnections, 1)
        self.group = group
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.router = router
    }

    /// Queues `jobs`, wakes idle connections for them and opens more, up to the limit, for the rest.
    func submit(_ jobs: some Collection<HTTP1Job>) {
        var refused = false
        let (wake, toOpen) = state.withLockedValue { state -> ([NIOLoopBound<HTTP1Connection>], Int) in
            guard !state.shutDown else {
                refused = true
                return ([], 0)
            }
            for job in jobs { state.enqueue(job) }
            let waiting = state.waiting
            let woken = min(state.idle.count, waiting)
            let wake = state.idle.suffix(woken).map(\.connection)
            state.idle.removeLast(woken)
            let toOpen = max(0, min(maxConnections - state.open, waiting - woken))
            state.open += toOpen
            return (wake, toOpen)
        }
        if refused {
            for job in jobs { job.finish(.failure(.init(kind: .unavailable))) }
            return
        }
        pumpEach(wake)
        for _ in 0..<toOpen { connect() }
    }

    /// One wake-up per event loop rather than one per connection: each costs the loop a write to its
    /// eventfd and a trip through its task queue.
    private func pumpEach(_ connections: [NIOLoopBound<HTTP1Connection>]) {
        var byLoop: [(loop: any EventLoop, connections: [NIOLoopBound<HTTP1Connection>])] = []
        for connection in connections {
            let loop = connection.eventLoop
            if let index = byLoop.firstIndex(where: { $0.loop === loop }) {
                byLoop[index].connections.append(connection)
            } else {
                byLoop.append((loop, [connection]))
            }
        }
        for (loop, connections) in byLoop {
            loop.execute { for connection in connections { connection.value.pump() } }
        }
    }

    func reroute(_ job: HTTP1Job) {
        router(job)
    }

    /// Called on `connection`'s event loop when it is free.
    func next(for connection: HTTP1Connection) -> Next {
        state.withLockedValue { state in
            if state.shutDown { return .close }
            if let job = state.urgent.popFirst() ?? state.queue.popFirst() { return .job(job) }
            state.idle.append((ObjectIdentifier(connection), NIOLoopBound(connection, eventLoop: connection.eventLoop)))
            return .idle
        }
    }

    /// Called on `connection`'s event loop once its channel is closed. `replay` goes to the front of the
    /// queue; `failure` (a connection that never answered, say a TLS handshake refused) fails every waiting
    /// request when no other connection is left to try them.
    func closed(_ connection: HTTP1Connection, replay: HTTP1Job?, failure: HTTPTransportError?) {
        let id = ObjectIdentifier(connection)
        lost(replay: replay, failure: failure) { state in state.idle.removeAll { $0.id == id } }
    }

    private func lost(
        replay: HTTP1Job?, failure: HTTPTransportError?, _ forget: (inout State) -> Void = { _ in }
    ) {
        var orphans: [HTTP1Job] = []
        var drained: [CheckedContinuation<Void, Never>] = []
        let reopen = state.withLockedValue { state -> Bool in
            forget(&state)
            state.open -= 1
            if let replay { state.enqueue(replay, first: true) }
            if state.shutDown || (failure != nil && state.open == 0) { orphans = state.removeAllWaiting() }
            if state.open == 0 { swap(&drained, &state.drained) }
            // A connection that failed before answering anything is not replaced: the next one would most
            // likely fail the same way, and the last one to go fails the queue instead.
            guard failure == nil, !state.shutDown, state.waiting > 0, state.open < maxConnections else { return false }
            state.open += 1
            return true
        }
        let error = failure ?? .init(kind: .unavailable)
        for job in orphans { job.finish(.failure(error)) }
        for continuation in drained { continuation.resume() }
        if reopen { connect() }
    }

    private func connect() {
        let tls = tls
        let serverName = origin.host.isIPAddress ? nil : origin.host
        let bootstrap = ClientBootstrap(group: group.next())
            .connectTimeout(connectTimeout)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    // Header values are checked by `HTTP1Connection` before they are written.
                    try pipeline.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try pipeline.addHandler(HTTP1Connection(pool: self))
                }
            }
        bootstrap.connect(host: origin.host, port: origin.port).whenFailure { [self] error in
            lost(replay: nil, failure: HTTPTransportError(connecting: error))
        }
    }

    /// Refuses new requests, fails those still waiting, closes idle connections and waits until the
    /// requests in flight have their answers and every connection is closed.
    func shutdown() async {
        let (orphans, idle, open) = state.withLockedValue { state in
            state.shutDown = true
            let orphans = state.removeAllWaiting()
            let idle = state.idle.map(\.connection)
            state.idle.removeAll()
            return (orphans, idle, state.open)
        }
        for job in orphans { job.finish(.failure(.init(kind: .unavailable))) }
        pumpEach(idle)
        guard open > 0 else { return }
        await withCheckedContinuation { continuation in
            let done = state.withLockedValue { state in
                if state.open == 0 { return true }
                state.drained.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}

extension String {
    fileprivate var isIPAddress: Bool {
        (try? SocketAddress(ipAddress: self, port: 0)) != nil
    }
}
