import Foundation
import HeraldCore
import Logging

/// One log event per delivery state change (debug) and per failure (warning), with `job.id`, `delivery.id`
/// and `channel.id`. Events carry no addresses or bodies; provider texts are scrubbed again on the way out.
public enum DeliveryEventLog {
    public static func log(_ events: [DeliveryEvent], to logger: Logger) {
        let wantsDebug = logger.logLevel <= .debug
        for event in events {
            let failure = event.state == .failed
            guard failure || wantsDebug else { continue }
            var metadata: Logger.Metadata = [
                "job.id": "\(event.jobId)",
                "channel.id": "\(event.instance ?? event.channel.rawValue)",
                "channel.kind": "\(event.channel.rawValue)",
                "delivery.state": "\(event.state.rawValue)",
            ]
            if let id = event.deliveryId { metadata["delivery.id"] = "\(id)" }
            if let reason = event.reason { metadata["delivery.reason"] = "\(reason.rawValue)" }
            if let attempt = event.attempt { metadata["delivery.attempt"] = "\(attempt)" }
            if let detail = event.detail { metadata[failure ? "error" : "delivery.detail"] = "\(scrub(detail))" }
            if failure {
                logger.warning("delivery failed", metadata: metadata)
            } else {
                logger.debug("delivery \(event.state.rawValue)", metadata: metadata)
            }
        }
    }

    /// Masks anything in free text that looks like an email address or a phone number, in case a provider
    /// echoed one back in its error.
    public static func scrub(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            let token = word.trimmingCharacters(in: CharacterSet(charactersIn: "\"'()[]{},;:<>"))
            let digits = token.filter(\.isNumber).count
            if token.contains("@") || digits >= 7 {
                return word.replacingOccurrences(of: token, with: Redaction.mask(token))
            }
            return String(word)
        }.joined(separator: " ")
    }
}
