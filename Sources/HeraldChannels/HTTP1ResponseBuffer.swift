import Foundation
import NIOCore
import NIOHTTP1

/// The answer to the request in flight on an `HTTP1Connection`, gathered part by part: status, the
/// headers the caller reads, and at most `HTTPTransportError.maxBodyBytes` of body: a longer body is cut
/// there, and the answer is judged by its status and what was kept (a 2xx that talks too much was still sent).
struct HTTP1ResponseBuffer {
    private(set) var started = false
    private(set) var keepAlive = true
    private var status = 0
    private var headers: [String: String] = [:]
    private var location: String?
    private var body: [UInt8] = []

    mutating func begin(_ head: HTTPResponseHead, keeping names: [String]) {
        started = true
        status = Int(head.status.code)
        keepAlive = head.isKeepAlive
        for name in names {
            if let value = head.headers.first(name: name) { headers[name] = value }
        }
        if Self.redirectStatuses.contains(status) { location = head.headers.first(name: "location") }
    }

    /// False once the body passes the limit: it keeps the first `maxBodyBytes`, and the connection, with the rest
    /// of the answer unread, cannot serve another request.
    mutating func append(_ buffer: ByteBuffer) -> Bool {
        let room = HTTPTransportError.maxBodyBytes - body.count
        body.append(contentsOf: buffer.readableBytesView.prefix(room))
        guard buffer.readableBytes <= room else {
            keepAlive = false
            return false
        }
        return true
    }

    var providerResponse: ProviderResponse {
        ProviderResponse(status: status, lowercasedHeaders: headers, body: body)
    }

    private static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// The request to send next when this answer is a redirect to follow; nil when it is the answer.
    /// Follows what libcurl did for the profiles: at most 5 hops, http(s) only, a POST becomes a GET
    /// on 301, 302 and 303. The profile's headers (API keys among them) go only to the same origin.
    func redirect(of job: HTTP1Job) -> Result<HTTP1Job, HTTPTransportError>? {
        guard let location else { return nil }
        guard job.redirectsLeft > 0 else { return .failure(.init(kind: .tooManyRedirects)) }
        guard let base = URL(string: job.request.url), let url = URL(string: location, relativeTo: base),
            let (origin, target) = HTTP1Origin.split(url.absoluteString)
        else { return .failure(.init(kind: .unsupportedURL)) }
        let next = job.redirected(to: url.absoluteString, origin: origin, target: target)
        if status == 303 || (status <= 302 && job.request.method == "POST") {
            next.request.method = job.request.method == "HEAD" ? "HEAD" : "GET"
            next.request.body = nil
            next.request.headers.removeAll { $0.name.lowercased() == "content-type" }
        }
        if origin != job.origin {
            next.request.headers.removeAll { $0.name.lowercased() != "content-type" }
        }
        return .success(next)
    }
}
