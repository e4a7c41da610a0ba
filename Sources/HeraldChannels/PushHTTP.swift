import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A provider's answer, read whole: push responses are small JSON documents.
struct PushHTTPResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    func header(_ name: String) -> String? { headers.first(name: name) }

    /// `Retry-After` as delta-seconds or an HTTP date, relative to `now`.
    func retryAfter(now: Date) -> TimeInterval? {
        guard let value = header("retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = TimeInterval(value), seconds >= 0 { return seconds }
        if let date = PushHTTP.httpDateFormatter.date(from: value) { return max(date.timeIntervalSince(now), 0) }
        return nil
    }

    /// The body as a JSON object, or empty when it is not one (an HTML error page from a proxy, say).
    var jsonObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }
}

enum PushHTTP {
    static let maxBodyBytes = 64 * 1024

    static let httpDateFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter
    }()

    static func post(
        _ client: HTTPClient, url: String, headers: [(String, String)], body: Data, timeout: TimeInterval
    ) async throws -> PushHTTPResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        return PushHTTPResponse(
            status: Int(response.status.code), headers: response.headers, body: try await firstBytes(of: response.body))
    }

    /// At most `maxBodyBytes` of the body; the rest is left unread (the connection is then not reused). An answer
    /// that talks too much is judged by its status and what was kept: a 2xx still means the push was accepted.
    private static func firstBytes(of body: HTTPClientResponse.Body) async throws -> Data {
        var kept = Data()
        for try await part in body {
            let room = maxBodyBytes - kept.count
            kept.append(contentsOf: part.readableBytesView.prefix(room))
            if part.readableBytes >= room { break }
        }
        return kept
    }

    /// A short description of a transport failure: the error type, never a URL with a token in it.
    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError { return "network: \(client.shortDescription)" }
        return "network: \(String(describing: type(of: error)))"
    }
}

extension HTTPClientError {
    fileprivate var shortDescription: String {
        switch self {
        case .deadlineExceeded, .readTimeout, .connectTimeout: "timeout"
        case .remoteConnectionClosed: "connection closed"
        case .cancelled: "cancelled"
        default: "client error"
        }
    }
}
