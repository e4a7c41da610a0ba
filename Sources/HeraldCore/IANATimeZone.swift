import Foundation

/// Time zones by their IANA name, the one way Herald reads a zone name (contacts, the policy's default, the
/// policy's clocks).
public enum IANATimeZone {
    /// The zone, or nil when the name is not a zone of the tz database. Foundation also takes ICU's custom
    /// offsets ("UTC+11", "GMT-10", "GMT+3:30") and the retired SystemV zones, which no tz database has; the
    /// offsets also read the opposite way from IANA's own `Etc/GMT+11` (UTC−11). Both are refused.
    public static func zone(_ name: String) -> TimeZone? {
        guard !name.hasPrefix("SystemV/"), let zone = TimeZone(identifier: name) else { return nil }
        // A custom offset comes back renamed ("UTC+11" → "GMT+1100"); a real name keeps its spelling, except
        // the tz database's own names for UTC that Foundation calls "GMT".
        return zone.identifier == name || (zone.identifier == "GMT" && Self.namesOfUTC.contains(name)) ? zone : nil
    }

    private static let namesOfUTC: Set = ["UTC", "GMT+0", "GMT-0"]
}
