import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the certificate and key on SIGHUP, what renewal tools (certbot, acme.sh) send after they
/// replace the files. A failed read keeps the pair in force and says why. Without TLS the signal is
/// still trapped, so `systemctl reload` never ends a daemon that has nothing to reload.
struct TLSReloadService: Service {
    let certificates: TLSCertificates?
    /// Made before the server starts: from then on SIGHUP is trapped rather than ending the process.
    let signals: UnixSignalsSequence
    let logger: Logger

    static func trapping(_ certificates: TLSCertificates?, logger: Logger) async -> TLSReloadService {
        TLSReloadService(certificates: certificates, signals: await UnixSignalsSequence(trapping: .sighup), logger: logger)
    }

    func run() async {
        for await _ in signals.cancelOnGracefulShutdown() {
            guard let certificates else {
                logger.notice("SIGHUP: no tls configured, nothing to reload")
                continue
            }
            do {
                try certificates.reload()
                logger.notice("reloaded the TLS certificate", metadata: ["tls.certificate": "\(certificates.files.certificate)"])
            } catch {
                logger.error("TLS reload failed; the previous certificate stays in force", metadata: ["error": "\(error)"])
            }
        }
    }
}
