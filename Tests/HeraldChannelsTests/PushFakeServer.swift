import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// One recorded provider answer from channels/<provider>/fixtures/<name>.json.
struct PushFixture: Decodable, Sendable {
    struct Reply: Decodable, Sendable {
        var status: Int
        var headers: [String: String]?
        var body: JSONValue?
    }
    var description: String
    var request: JSONValue?
    var response: Reply

    /// channels/ sits at the repository root, three levels above this file.
    static func load(_ provider: String, _ name: String, file: String = #filePath) throws -> PushFixture {
        let root = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = root.appendingPathComponent("channels/\(provider)/fixtures/\(name).json")
        return try JSONDecoder().decode(PushFixture.self, from: Data(contentsOf: url))
    }

    /// The recorded reply, with some headers or body members replaced by what this exchange needs.
    func reply(headers extraHeaders: [String: String] = [:], body bodyOverride: JSONValue? = nil) -> Response {
        var fields = HTTPFields()
        for (name, value) in (response.headers ?? [:]).merging(extraHeaders, uniquingKeysWith: { _, new in new }) {
            fields[HTTPField.Name(name)!] = value
        }
        let body = (bodyOverride ?? response.body).map { (try? JSONEncoder().encode($0)) ?? Data() } ?? Data()
        return Response(
            status: HTTPResponse.Status(code: response.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A test clock the drivers read through their `now` closure, so token lifetimes can pass without waiting.
final class PushTestClock: Sendable {
    private let current = Mutex(Date())
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// Runs a provider fake on 127.0.0.1 (a free port) for the duration of `body`, which gets its base URL.
func withPushFakeServer<T: Sendable>(
    _ router: Router<BasicRequestContext>, _ body: @Sendable (String) async throws -> T
) async throws -> T {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "push-fake")
    logger.logLevel = .critical  // a client's connection cut at shutdown logs noise that means nothing here
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
    return try await serving(app, ports: (ports, portContinuation), logger: logger) { port in try await body("http://127.0.0.1:\(port)") }
}

/// Reads a compact JWT's header and claims without checking anything: the fakes check the signature separately.
enum PushJWTParts {
    static func decode(_ jwt: String, part: Int) -> [String: Any] {
        let segments = jwt.split(separator: ".")
        guard segments.count == 3 else { return [:] }
        var base64 = segments[part].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}

extension OutboundMessage {
    static func push(
        to addresses: [String], title: String = "Your cart is waiting", body: String = "Come back",
        data: [String: String] = [:], idempotencyKey: String = "job-1/contact-1"
    ) -> OutboundMessage {
        OutboundMessage(
            deliveryId: 1, jobId: 1, contactId: "contact-1", channel: .push, purpose: .marketing, topic: nil,
            addresses: addresses, content: .push(title: title, body: body, data: data), unsubscribeURL: nil,
            idempotencyKey: idempotencyKey, attempt: 1)
    }
}
