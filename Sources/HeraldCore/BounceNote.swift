/// The words both stores write for a bounce: one definition, so SQLite and PostgreSQL say the same.
/// They never carry the address (it is the suppression's key already) or the diagnostic text.
public enum BounceNote {
    /// The suppression's note.
    public static func text(_ bounce: BounceRecord, softCount: Int) -> String {
        let status = bounce.status.map { " \($0)" } ?? ""
        switch bounce.kind {
        case .hard: return "hard bounce\(status) (\(bounce.source))"
        case .soft: return "\(softCount) soft bounces, last\(status) (\(bounce.source))"
        }
    }

    /// The error of the attempt line a hard bounce adds to its delivery.
    public static func attemptError(_ bounce: BounceRecord) -> String {
        "bounce_hard: \(bounce.status ?? "5.0.0") reported by \(bounce.source)"
    }
}
