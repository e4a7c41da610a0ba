import CCurl
import Foundation

/// HTTP/1.1 through libcurl's multi interface, on the same `CurlMultiLoop` machinery as SMTP: one
/// easy handle per send in flight, keep-alive connections reused through each loop's connection
/// cache, one loop thread per CPU at most. HTTP/1.1 only: APNs needs HTTP/2 and FCM shares its
/// client code, so both stay on AsyncHTTPClient.
final class CurlHTTPClient: Sendable {
    private let pool: CurlHandlePool

    /// Nil when libcurl cannot be initialised. `caFile`: a PEM bundle that replaces the system's trusted
    /// CAs for this endpoint (a gateway on a private CA).
    init?(connections: Int, label: String, caFile: String? = nil) {
        let pool = CurlHandlePool(capacity: max(connections, 1), label: label) {
            guard let easy = CurlEasy() else { return nil }
            easy.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
            easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
            // Redirects as AsyncHTTPClient's default did: up to 5, never to another scheme than http(s).
            easy.set(CURLOPT_FOLLOWLOCATION, 1)
            easy.set(CURLOPT_MAXREDIRS, 5)
            easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            if let caFile {
                // Debian's libcurl also reads /etc/ssl/certs (CAPATH): clear it, so only the bundle is trusted.
                easy.set(CURLOPT_CAINFO, caFile)
                easy.set(CURLOPT_CAPATH, nil as String?)
            }
            return easy
        }
        guard let pool else { return nil }
        self.pool = pool
    }

    /// Sends `request` and reads the whole response, keeping the headers named in `keptHeaders`
    /// (lower-cased); throws `CurlHTTPError` (never carrying the URL).
    func execute(_ request: PreparedRequest, keptHeaders: [String], timeout: Duration) async throws(CurlHTTPError)
        -> ProviderResponse
    {
        let milliseconds = Self.milliseconds(timeout)
        let outcome: CurlHTTPJob.Outcome? = await pool.run { continuation in
            CurlHTTPJob(request: request, timeoutMilliseconds: milliseconds, keptHeaders: keptHeaders) { outcome, _ in
                continuation.resume(returning: outcome)
            }
        }
        guard let outcome else { throw CurlHTTPError(curlCode: nil, bodyTooLarge: false) }
        return try outcome.get()
    }

    /// Sends every request, as many at once as the pool has connections, and returns the outcomes with
    /// each request's latency, in the order given: one hand-off to the loop threads and one resumption
    /// for the whole batch, instead of a task, a continuation and two thread hops per request.
    func execute(batch requests: [PreparedRequest], keptHeaders: [String], timeout: Duration) async
        -> [(outcome: CurlHTTPJob.Outcome, latency: Duration)]
    {
        let milliseconds = Self.milliseconds(timeout)
        let unavailable = CurlHTTPJob.Outcome.failure(CurlHTTPError(curlCode: nil, bodyTooLarge: false))
        return await pool.run(count: requests.count, placeholder: (outcome: unavailable, latency: .zero)) { index, finish in
            CurlHTTPJob(request: requests[index], timeoutMilliseconds: milliseconds, keptHeaders: keptHeaders) {
                finish((outcome: $0 ?? unavailable, latency: $1))
            }
        }
    }

    private static func milliseconds(_ timeout: Duration) -> Int {
        let (seconds, attoseconds) = timeout.components
        return max(Int(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000), 1)
    }

    /// Lets requests in flight finish, then closes every connection and ends the loop threads.
    func shutdown() async {
        await pool.shutdown()
    }
}

/// A request that got no HTTP response. Its description names the kind of failure and libcurl's code,
/// never the URL (a bot token or API key can sit in the path or query).
struct CurlHTTPError: Error, CustomStringConvertible {
    /// The CURLcode; nil when the request never ran (client shut down, or no handle could be made).
    var curlCode: Int?
    var bodyTooLarge: Bool

    var description: String {
        guard let curlCode else { return "client unavailable" }
        if bodyTooLarge { return "response body over \(CurlHTTPJob.maxBodyBytes) bytes" }
        switch CURLcode(rawValue: numericCast(curlCode)) {
        case CURLE_OPERATION_TIMEDOUT: return "timeout"
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return "could not resolve host"
        case CURLE_COULDNT_CONNECT: return "could not connect"
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR: return "connection closed"
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE: return "TLS failure"
        case CURLE_TOO_MANY_REDIRECTS: return "too many redirects"
        default: return "transfer failed (libcurl error \(curlCode))"
        }
    }
}
