import Foundation

/// Time zones by their IANA name, the one way Herald reads a zone name (contacts, the policy's default, the
/// policy's clocks).
public enum IANATimeZone {
    /// The zone, or nil when the name is not a zone of the tz database. Foundation also takes ICU's custom
    /// offsets ("UTC+11", "GMT-10", "GMT+3:30") and the retired SystemV zones, which no tz database has; the
    /// offsets also read the opposite way from IANA's own `Etc/GMT+11` (UTC−11). Both are refused.
    /// ICU's own abbreviations ("PST", "IST", "CST") are refused too: no tz database has them, and each stands
    /// for more than one zone (IST is India, Ireland and Israel).
    public static func zone(_ name: String) -> TimeZone? {
        guard !name.hasPrefix("SystemV/"), name.contains("/") || namesWithoutArea.contains(name),
            let zone = TimeZone(identifier: name)
        else { return nil }
        // A custom offset comes back renamed ("UTC+11" → "GMT+1100"); a real name keeps its spelling, except
        // the tz database's own names for UTC that Foundation calls "GMT".
        return zone.identifier == name || (zone.identifier == "GMT" && Self.namesOfUTC.contains(name)) ? zone : nil
    }

    private static let namesOfUTC: Set = ["UTC", "GMT+0", "GMT-0"]

    /// The tz database's zone and link names that have no area ("Area/Location"), old spellings included.
    private static let namesWithoutArea: Set = [
        "UTC", "GMT", "GMT+0", "GMT-0", "GMT0", "UCT", "Universal", "Greenwich", "Zulu", "Factory",
        "EST", "MST", "HST", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "CET", "EET", "MET", "WET",
        "Cuba", "Egypt", "Eire", "GB", "GB-Eire", "Hongkong", "Iceland", "Iran", "Israel", "Jamaica", "Japan",
        "Kwajalein", "Libya", "NZ", "NZ-CHAT", "Navajo", "PRC", "Poland", "Portugal", "ROC", "ROK", "Singapore",
        "Turkey", "W-SU",
    ]
}
