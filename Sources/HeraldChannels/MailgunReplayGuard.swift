import Foundation
import HeraldCore

/// Mailgun signs the timestamp and token of a post, not its body, so a signature seen once could carry any
/// body later. Accepted: a timestamp within `window` of now, and a token not seen within that window (kept
/// in memory per process; tokens older than the window are forgotten, since their timestamps fail anyway).
public actor MailgunReplayGuard {
    public static let window: TimeInterval = 15 * 60
    private var seen: [String: Date] = [:]

    public init() {}

    public func admit(timestamp: String, token: String, now: Date) throws(HeraldError) {
        guard let seconds = Double(timestamp), seconds.isFinite else { throw Self.refused("its timestamp is not a number") }
        let signedAt = Date(timeIntervalSince1970: seconds)
        guard abs(now.timeIntervalSince(signedAt)) <= Self.window else {
            throw Self.refused("its timestamp is more than 15 minutes away from now")
        }
        seen = seen.filter { abs(now.timeIntervalSince($0.value)) <= Self.window }
        guard seen[token] == nil else { throw Self.refused("its token was used before") }
        seen[token] = signedAt
    }

    static func refused(_ why: String) -> HeraldError {
        HeraldError(code: "forbidden", message: "the Mailgun post is refused: \(why)", statusCode: 403)
    }
}
