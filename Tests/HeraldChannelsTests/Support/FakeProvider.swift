import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// What the fake provider saw.
struct ReceivedRequest: Sendable {
    var method: String
    var path: String
    var query: String?
    /// Header names lower-cased.
    var headers: [String: String]
    var body: [UInt8]
}

/// The canned answer for the next request.
struct ScriptedReply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    /// How long the provider sits on the request before answering (to run a client into its timeout).
    var delay: Duration = .zero
}

actor FakeProviderState {
    private(set) var received: [ReceivedRequest] = []
    var reply = ScriptedReply(status: 500, headers: [:], body: Array("no reply scripted".utf8))
    /// Answers for particular requests (a redirect's target, one message of a batch), ahead of `reply`.
    private var overrides: [(matches: @Sendable (ReceivedRequest) -> Bool, reply: ScriptedReply)] = []

    func script(_ reply: ScriptedReply) {
        self.reply = reply
        overrides.removeAll()
        received.removeAll()
    }

    func script(_ reply: ScriptedReply, path: String) {
        overrides.append(({ $0.path == path }, reply))
    }

    func script(_ reply: ScriptedReply, whenBodyContains marker: String) {
        overrides.append(({ String(decoding: $0.body, as: UTF8.self).contains(marker) }, reply))
    }

    func record(_ request: ReceivedRequest) -> ScriptedReply {
        received.append(request)
        return overrides.first { $0.matches(request) }?.reply ?? reply
    }
}

/// An in-process provider on 127.0.0.1 and a random port that answers with whatever was scripted
/// and records each request, so a test can replay a recorded fixture against a real driver.
enum FakeProvider {
    static func run<T: Sendable>(_ body: @Sendable (_ baseURL: String, _ state: FakeProviderState) async throws -> T)
        async throws -> T
    {
        let state = FakeProviderState()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let reply = await state.record(
                ReceivedRequest(
                    method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers,
                    body: Array(buffer: bytes)))
            if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
            var fields = HTTPFields()
            for (name, value) in reply.headers {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            return Response(
                status: .init(code: reply.status), headers: fields,
                body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "fake-provider")
        logger.logLevel = .critical  // a client's connection cut at shutdown logs errors that mean nothing here
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        return try await serving(app, ports: (ports, portContinuation), logger: logger) { port in
            try await body("http://127.0.0.1:\(port)", state)
        }
    }
}
