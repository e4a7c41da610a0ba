import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// How an `HTTPProfileDriver` reaches its provider: Herald's HTTP/1.1 pool on SwiftNIO (what the daemon
/// builds), or an AsyncHTTPClient `HTTPClient` handed in by the caller.
enum HTTPProfileTransport: Sendable {
    case http1(HTTP1Client)
    /// `owned`: `shutdown()` shuts the client down (a per-instance client), else leaves it (a shared one).
    case asyncHTTPClient(HTTPClient, owned: Bool)

    /// `keptHeaders`: lower-cased names of the response headers the caller reads.
    func execute(_ prepared: PreparedRequest, keptHeaders: [String], timeout: Duration) async throws
        -> ProviderResponse
    {
        switch self {
        case .http1(let client):
            return try await client.execute(prepared, keptHeaders: keptHeaders, timeout: timeout)
        case .asyncHTTPClient(let client, _):
            var request = HTTPClientRequest(url: prepared.url)
            request.method = .init(rawValue: prepared.method)
            for header in prepared.headers { request.headers.add(name: header.name, value: header.value) }
            if let body = prepared.body { request.body = .bytes(body) }
            let (seconds, attoseconds) = timeout.components
            let deadline = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            let response = try await client.execute(request, timeout: deadline)
            let body = try await response.body.collect(upTo: HTTPTransportError.maxBodyBytes)
            var headers: [String: String] = [:]
            for header in response.headers { headers[header.name.lowercased()] = header.value }
            return ProviderResponse(status: Int(response.status.code), headers: headers, body: Array(buffer: body))
        }
    }

    func shutdown() async {
        switch self {
        case .http1(let client): await client.shutdown()
        case .asyncHTTPClient(let client, let owned): if owned { try? await client.shutdown() }
        }
    }
}
