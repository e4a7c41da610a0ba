import HummingbirdCore
import HummingbirdTLS

extension HTTPServerBuilder {
    /// HTTP/1.1, over TLS when the config names a certificate.
    static func herald(tls certificates: TLSCertificates?) throws -> HTTPServerBuilder {
        guard let certificates else { return .http1() }
        return try .tls(.http1(), tlsConfiguration: certificates.serverConfiguration)
    }
}
