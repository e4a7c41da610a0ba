import Foundation
import HeraldCore
import Testing

/// Zone names as the tz database has them, old spellings included; ICU's custom offsets, abbreviations and
/// SystemV zones not.
@Suite struct IANATimeZoneTests {
    @Test(arguments: [
        "UTC", "GMT", "Etc/UTC", "Etc/GMT+3", "Asia/Tehran", "Asia/Calcutta", "US/Eastern", "Europe/Kyiv", "EST5EDT",
        "Pacific/Chatham", "GMT+0", "GMT-0", "Etc/GMT-14", "America/Argentina/Buenos_Aires", "EST", "Iran", "GB",
        "Zulu",
    ])
    func realNamesAreZones(_ name: String) {
        #expect(IANATimeZone.zone(name) != nil)
    }

    @Test(arguments: [
        "UTC+11", "GMT-10", "UTC+0330", "GMT+3:30", "SystemV/AST4", "SystemV/PST8PDT", "asia/tehran", "", "PST", "IST",
        "CST", "BST", "JST",
    ])
    func customOffsetsAndRetiredNamesAreNot(_ name: String) {
        #expect(IANATimeZone.zone(name) == nil)
    }

    @Test func etcSignsReadAsIANAWritesThem() throws {
        let zone = try #require(IANATimeZone.zone("Etc/GMT+3"))
        #expect(zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == -3 * 3600)
    }
}
