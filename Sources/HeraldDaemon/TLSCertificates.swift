import HeraldCore
import NIOCore
import NIOSSL
import Synchronization

/// `tls:` in the config: PEM files for the certificate chain (leaf first) and its private key.
public struct TLSFiles: Sendable, Codable, Equatable {
    public var certificate: String
    public var key: String

    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }
}

/// The certificate and key in force. Each handshake takes the current pair, so a renewed certificate
/// is served to new connections after `reload()` (SIGHUP) without closing the listener or the
/// connections already open.
public final class TLSCertificates: Sendable {
    struct Pair: Sendable {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
    }

    public let files: TLSFiles
    private let current: Mutex<Pair>

    public init(files: TLSFiles) throws(HeraldError) {
        self.files = files
        current = Mutex(try Self.read(files))
    }

    /// Reads both files again; on any error the pair in force stays and the error is thrown.
    public func reload() throws(HeraldError) {
        let pair = try Self.read(files)
        current.withLock { $0 = pair }
    }

    public var serverConfiguration: TLSConfiguration {
        let pair = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: pair.chain.map { .certificate($0) }, privateKey: .privateKey(pair.key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = { [self] _, promise in
            let pair = current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.key)
            promise.succeed(override)
        }
        return configuration
    }

    static func read(_ files: TLSFiles) throws(HeraldError) -> Pair {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificate)
        } catch {
            throw HeraldError(
                code: "tls_invalid", message: "cannot read a PEM certificate from \(files.certificate)",
                field: "tls.certificate")
        }
        guard !chain.isEmpty else {
            throw HeraldError(
                code: "tls_invalid", message: "no certificate in \(files.certificate)", field: "tls.certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.key, format: .pem)
        } catch {
            throw HeraldError(code: "tls_invalid", message: "cannot read a PEM private key from \(files.key)", field: "tls.key")
        }
        let pair = Pair(chain: chain, key: key)
        // A context refuses a key that does not belong to the leaf certificate: better now than at each handshake.
        do {
            _ = try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        } catch {
            throw HeraldError(
                code: "tls_invalid", message: "the key in \(files.key) does not match the certificate in \(files.certificate)",
                field: "tls.key")
        }
        return pair
    }
}
