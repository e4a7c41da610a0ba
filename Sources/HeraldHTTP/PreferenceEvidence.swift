import Foundation
import HTTPTypes
import Hummingbird
import HeraldCore

/// What a preference-centre ledger event keeps as proof of who asked: when, from which address and browser,
/// through which link.
enum PreferenceEvidence {
    /// Long enough for any real browser's user agent; a hostile one is cut, not stored whole.
    static let maxUserAgentLength = 512

    static func make(
        _ request: Request, context: HeraldRequestContext, tokenId: String, action: String, at now: Date
    ) -> JSONValue {
        var evidence: [String: JSONValue] = [
            "time": .string(ISO8601DateFormatter().string(from: now)),
            "token_id": .string(tokenId),
            "form": "preference_centre",
            "action": .string(action == "leave_all" ? "leave_all" : "save"),
        ]
        if let ip = context.remoteAddress { evidence["ip"] = .string(ip) }
        if let agent = request.headers[.userAgent] { evidence["user_agent"] = .string(clean(agent)) }
        // Behind a reverse proxy the peer is the proxy: keep what it says about the client, unverified.
        if let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] {
            evidence["forwarded_for"] = .string(clean(forwarded))
        }
        return .object(evidence)
    }

    private static func clean(_ text: String) -> String {
        String(String(text.unicodeScalars.filter { $0.properties.generalCategory != .control }).prefix(maxUserAgentLength))
    }
}
