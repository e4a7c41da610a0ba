import HummingbirdCore
import HummingbirdTLS
import NIOCore

extension HTTPServerBuilder {
    /// HTTP/1.1, over TLS when the config names a certificate. A connection that sends no part of a request for
    /// `idleTimeout` is closed, whether it is between requests or stopped in the middle of one: a client that
    /// sent half a header or half a body used to hold its connection (and a file descriptor) for ever, and kept
    /// a SIGTERM waiting past systemd's 60 s. A response being written (the live tail) is not idle.
    static func herald(tls certificates: TLSCertificates?) throws -> HTTPServerBuilder {
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: idleTimeout))
        guard let certificates else { return http1 }
        return try .tls(http1, tlsConfiguration: certificates.serverConfiguration)
    }

    static let idleTimeout = TimeAmount.seconds(30)
}
