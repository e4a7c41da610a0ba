import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the certificate and key on SIGHUP, what renewal tools (certbot, acme.sh) send after they
/// replace the files. A failed read keeps the pair in force and says why.
struct TLSReloadService: Service {
    let certificates: TLSCertificates
    /// Made before the server starts: from then on SIGHUP is trapped rather than ending the process.
    let signals: UnixSignalsSequence
    let logger: Logger

    static func trapping(_ certificates: TLSCertificates, logger: Logger) async -> TLSReloadService {
        TLSReloadService(certificates: certificates, signals: await UnixSignalsSequence(trapping: .sighup), logger: logger)
    }

    func run() async {
        for await _ in signals.cancelOnGracefulShutdown() {
            do {
                try certificates.reload()
                logger.notice("reloaded the TLS certificate", metadata: ["tls.certificate": "\(certificates.files.certificate)"])
            } catch {
                logger.error("TLS reload failed; the previous certificate stays in force", metadata: ["error": "\(error)"])
            }
        }
    }
}

extension TLSReloadService {
    /// The service's slot in the group: none when serving plain HTTP.
    static func configuration(for certificates: TLSCertificates?, logger: Logger) async
        -> [ServiceGroupConfiguration.ServiceConfiguration]
    {
        guard let certificates else { return [] }
        return [.init(service: await trapping(certificates, logger: logger))]
    }
}
