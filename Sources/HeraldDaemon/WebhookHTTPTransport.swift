import AsyncHTTPClient
import Foundation
import HeraldEngine
import NIOCore
import NIOHTTP1

/// Webhook POSTs through AsyncHTTPClient, as the push drivers send theirs. No redirects: a receiver that
/// moved must be reconfigured, not followed with signed event data.
final class WebhookHTTPTransport: WebhookTransport {
    private let client: HTTPClient

    init() {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: TimeInterval) async throws
        -> WebhookResponse
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        // Read (and drop) the body so the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return WebhookResponse(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"))
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
