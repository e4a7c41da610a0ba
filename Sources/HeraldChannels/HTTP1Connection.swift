import Foundation
import NIOCore
import NIOHTTP1

/// One keep-alive connection of an `HTTP1OriginPool`, as the last handler of its channel: it takes a
/// request from the pool whenever it is free, writes it, gathers the answer and hands it to the job's
/// completion, all on the channel's event loop. One request at a time (no pipelining), as providers expect.
final class HTTP1Connection: ChannelInboundHandler, NIOScheduledCallbackHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let pool: HTTP1OriginPool
    private var context: ChannelHandlerContext?
    private var job: HTTP1Job?
    private var response = HTTP1ResponseBuffer()
    /// When the request in flight times out, or, between requests, when the idle connection is closed
    /// (after the pool's `idleTimeout`).
    private var deadline: (at: NIODeadline, idle: Bool)?
    /// One timer per connection, armed for the earliest deadline and re-armed when it fires early,
    /// rather than a timer scheduled and cancelled for every request.
    private var timer: (callback: NIOScheduledCallback, at: NIODeadline)?
    /// Why the channel is closing, for the request in flight.
    private var failure: HTTPTransportError?
    /// Answers completed on this connection; a reused connection may meet a server's idle close.
    private var served = 0

    init(pool: HTTP1OriginPool) {
        self.pool = pool
    }

    var eventLoop: any EventLoop { context!.eventLoop }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        pump()
        context.fireChannelActive()
    }

    /// Takes the next waiting request, or tells the pool this connection is idle (or closes it when the
    /// pool is shutting down). A request whose headers cannot be sent fails at once and the next is taken.
    func pump() {
        while let context, job == nil, context.channel.isActive {
            switch pool.next(for: self) {
            case .job(let next):
                if let head = Self.head(of: next) {
                    start(next, head: head, on: context)
                } else {
                    next.finish(.failure(.init(kind: .invalidHeader)))
                }
            case .idle:
                let due = NIODeadline.now() + pool.idleTimeout
                deadline = (due, true)
                return arm(at: due, on: context)
            case .close:
                return context.close(promise: nil)
            }
        }
    }

    private func start(_ next: HTTP1Job, head: HTTPRequestHead, on context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        if next.startedAt == nil { next.startedAt = now }
        job = next
        response = HTTP1ResponseBuffer()
        let due = now + next.timeout
        deadline = (due, false)
        arm(at: due, on: context)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = next.request.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let current = job else { return context.close(promise: nil) }
        switch unwrapInboundIn(data) {
        case .head(let head):
            response.begin(head, keeping: current.keptHeaders)
        case .body(let buffer):
            // Past the limit the answer is complete enough: its status was already read.
            guard response.append(buffer) else { return finish(current, on: context) }
        case .end:
            finish(current, on: context)
        }
    }

    private func finish(_ current: HTTP1Job, on context: ChannelHandlerContext) {
        deadline = nil
        job = nil
        served += 1
        if let redirect = response.redirect(of: current) {
            switch redirect {
            case .success(let next): pool.reroute(next)
            case .failure(let error): current.finish(.failure(error))
            }
        } else {
            current.finish(.success(response.providerResponse))
        }
        if response.keepAlive { pump() } else { context.close(promise: nil) }
    }

    private func arm(at due: NIODeadline, on context: ChannelHandlerContext) {
        if let timer {
            guard due < timer.at else { return }
            timer.callback.cancel()
        }
        if let callback = try? context.eventLoop.assumeIsolated().scheduleCallback(at: due, handler: self) {
            timer = (callback, due)
        }
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        timer = nil
        guard let context, let deadline else { return }
        if deadline.at > .now() { return arm(at: deadline.at, on: context) }
        if deadline.idle { context.close(promise: nil) } else { close(context, failing: .init(kind: .timeout)) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close(context, failing: HTTPTransportError(error))
    }

    private func close(_ context: ChannelHandlerContext, failing error: HTTPTransportError) {
        if failure == nil { failure = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.callback.cancel()
        timer = nil
        deadline = nil
        var replay: HTTP1Job?
        if let current = job {
            job = nil
            // The server closed a reused connection before answering: the request never reached it. A
            // reset counts too: a request written just after the server's close meets an RST, not a FIN
            // (if the server did read it, the provider sees the idempotency key twice).
            let closedUnderIt = failure == nil || failure?.kind == .connectionReset
            if closedUnderIt, served > 0, !response.started, !current.replayed {
                current.replayed = true
                replay = current
            } else {
                current.finish(.failure(failure ?? .init(kind: .connectionClosed)))
            }
        }
        pool.closed(self, replay: replay, failure: served == 0 ? failure : nil)
        context.fireChannelInactive()
    }

    /// The request line and headers, with `Host` and `Content-Length`; nil when a header carries a control
    /// character (a template value must not start a header line of its own).
    private static func head(of job: HTTP1Job) -> HTTPRequestHead? {
        var headers = HTTPHeaders()
        headers.reserveCapacity(job.request.headers.count + 2)
        headers.add(name: "Host", value: job.origin.hostHeader)
        for header in job.request.headers {
            guard isSafe(header.name), isSafe(header.value) else { return nil }
            headers.add(name: header.name, value: header.value)
        }
        if let body = job.request.body { headers.add(name: "Content-Length", value: String(body.count)) }
        return HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: job.request.method), uri: job.target, headers: headers)
    }

    private static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }
    }
}
