import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A request that got no HTTP response. Its description names the kind of failure, never the URL
/// (a bot token or API key can sit in the path or query) nor the provider's host.
struct HTTPTransportError: Error, Equatable, CustomStringConvertible {
    enum Kind: Equatable {
        /// The client was shut down before the request could go out.
        case unavailable
        case timeout
        case couldNotResolveHost
        case couldNotConnect
        case connectionClosed
        /// The provider reset the connection (or it was gone when written to).
        case connectionReset
        case tlsFailure
        case tooManyRedirects
        /// A redirect to something other than http(s), or a URL that is not absolute http(s).
        case unsupportedURL
        /// The provider's bytes were not an HTTP/1.1 response.
        case invalidResponse
        /// A header name or value with a control character; refused rather than sent.
        case invalidHeader
    }

    var kind: Kind

    static let maxBodyBytes = 1 << 20

    var description: String {
        switch kind {
        case .unavailable: "client unavailable"
        case .timeout: "timeout"
        case .couldNotResolveHost: "could not resolve host"
        case .couldNotConnect: "could not connect"
        case .connectionClosed: "connection closed"
        case .connectionReset: "connection reset"
        case .tlsFailure: "TLS failure"
        case .tooManyRedirects: "too many redirects"
        case .unsupportedURL: "unsupported URL"
        case .invalidHeader: "invalid request header"
        case .invalidResponse: "invalid response"
        }
    }
}

extension HTTPTransportError {
    /// What a channel error means for the request in flight.
    init(_ error: any Error) {
        switch error {
        case is NIOSSLError, is BoringSSLError: self.init(kind: .tlsFailure)
        case is HTTPParserError: self.init(kind: .invalidResponse)
        case let error as IOError where error.errnoCode == ECONNRESET || error.errnoCode == EPIPE:
            self.init(kind: .connectionReset)
        default: self.init(kind: .connectionClosed)
        }
    }

    /// What a failed connection attempt means for the requests waiting on it.
    init(connecting error: any Error) {
        switch error {
        case let error as NIOConnectionError where error.connectionErrors.isEmpty && (error.dnsAError != nil || error.dnsAAAAError != nil):
            self.init(kind: .couldNotResolveHost)
        case let error as ChannelError:
            if case .connectTimeout = error { self.init(kind: .timeout) } else { self.init(kind: .couldNotConnect) }
        case is NIOSSLError, is BoringSSLError: self.init(kind: .tlsFailure)
        default: self.init(kind: .couldNotConnect)
        }
    }
}
