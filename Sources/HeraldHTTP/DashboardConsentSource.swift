import HeraldCore

/// How the dashboard names where a ledger event came from: a preference-centre event reads as the person's
/// own choice, with what they did and the link they used; any other source is shown as recorded.
enum DashboardConsentSource {
    static func label(_ source: String, evidence: JSONValue?) -> String {
        switch source {
        case HeraldAPI.preferenceSource:
            guard case .object(let fields)? = evidence else { return "preference centre" }
            var label = fields["action"] == "leave_all" ? "preference centre: left everything" : "preference centre"
            if case .string(let tokenId)? = fields["token_id"] { label += " (link \(tokenId))" }
            return label
        default: return source
        }
    }
}
