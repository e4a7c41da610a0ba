import NIOCore

/// One request on its way through an `HTTP1Client`: what to send, where, and who hears the outcome.
/// A class, so queueing and handing it to a connection moves one reference rather than copying every
/// string and array in it. Only one thread holds a job at a time: the pool's lock hands it over.
final class HTTP1Job: @unchecked Sendable {
    typealias Outcome = Result<ProviderResponse, HTTPTransportError>

    var request: PreparedRequest
    var origin: HTTP1Origin
    /// Path and query, as the request line carries them.
    var target: String
    /// Lower-cased names of the response headers worth keeping (a profile reads Retry-After, say).
    var keptHeaders: [String]
    var timeout: TimeAmount
    /// Waits in the pool's urgent queue, which connections serve first.
    let urgent: Bool
    /// Set when the request first goes out; a redirect keeps it, so latency spans the whole exchange.
    var startedAt: NIODeadline?
    var redirectsLeft = 5
    /// A request written to a kept-alive connection the server had just closed is sent once more on a
    /// fresh one, as libcurl and browsers do; it never reached the provider, so it cannot duplicate.
    var replayed = false
    let completion: @Sendable (Outcome, Duration) -> Void

    init(
        request: PreparedRequest, origin: HTTP1Origin, target: String, keptHeaders: [String], timeout: TimeAmount,
        urgent: Bool = false, completion: @escaping @Sendable (Outcome, Duration) -> Void
    ) {
        self.request = request
        self.origin = origin
        self.target = target
        self.keptHeaders = keptHeaders
        self.timeout = timeout
        self.urgent = urgent
        self.completion = completion
    }

    /// The same exchange sent on to `url` (a redirect): same completion, start time and hop budget.
    func redirected(to url: String, origin: HTTP1Origin, target: String) -> HTTP1Job {
        let next = HTTP1Job(
            request: request, origin: origin, target: target, keptHeaders: keptHeaders, timeout: timeout,
            urgent: urgent, completion: completion)
        next.request.url = url
        next.startedAt = startedAt
        next.redirectsLeft = redirectsLeft - 1
        return next
    }

    func finish(_ outcome: Outcome) {
        let latency = startedAt.map { Duration.nanoseconds((NIODeadline.now() - $0).nanoseconds) } ?? .zero
        completion(outcome, latency)
    }
}

/// Where a connection goes: scheme, host and port, and the `Host` header that names them.
struct HTTP1Origin: Hashable, Sendable {
    var tls: Bool
    var host: String
    var port: Int
    var hostHeader: String

    /// Splits `url` into its origin and request target. Nil for anything but an absolute http(s) URL
    /// with a host; user info in the authority is refused rather than sent in the clear.
    static func split(_ url: String) -> (origin: HTTP1Origin, target: String)? {
        let bytes = url.utf8
        let tls: Bool
        var rest: Substring.UTF8View
        if let afterScheme = strippingPrefix("http://", of: bytes) {
            (tls, rest) = (false, afterScheme)
        } else if let afterScheme = strippingPrefix("https://", of: bytes) {
            (tls, rest) = (true, afterScheme)
        } else {
            return nil
        }
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? rest.endIndex
        let authority = Substring(rest[rest.startIndex..<authorityEnd])
        guard !authority.isEmpty, !authority.utf8.contains(UInt8(ascii: "@")) else { return nil }
        var target = Substring(rest[authorityEnd...])
        if let fragment = target.utf8.firstIndex(of: UInt8(ascii: "#")) { target = target[..<fragment] }
        let host: Substring
        var port = tls ? 443 : 80
        if authority.hasPrefix("[") {
            // An IPv6 literal: [::1]:8080
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let afterHost = authority[authority.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":"), let given = Int(afterHost.dropFirst()) else { return nil }
                port = given
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let given = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = given
        } else {
            host = authority
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        let origin = HTTP1Origin(tls: tls, host: String(host), port: port, hostHeader: String(authority))
        return (origin, target.isEmpty ? "/" : target.hasPrefix("?") ? "/" + target : String(target))
    }

    private static func strippingPrefix(_ prefix: StaticString, of bytes: String.UTF8View) -> Substring.UTF8View? {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return nil }
        let matches = prefix.withUTF8Buffer { prefix in
            zip(prefix, bytes).allSatisfy { expected, byte in (byte | 0x20) == expected }
        }
        guard matches else { return nil }
        return bytes[bytes.index(bytes.startIndex, offsetBy: count)...]
    }
}
