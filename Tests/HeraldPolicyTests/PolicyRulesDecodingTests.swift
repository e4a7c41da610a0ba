import Foundation
import HeraldCore
import Testing

@testable import HeraldPolicy

/// The config shape the daemon decodes from YAML (same Codable path; JSON keeps the test free of Yams).
@Suite("Policy configuration")
struct PolicyRulesDecodingTests {
    static let config = """
        {
          "listen": "127.0.0.1:8025",
          "defaults": {"timezone": "Europe/London", "unknown_timezone": "hold"},
          "policy": {
            "quiet_hours": [
              {"purpose": "marketing", "channel": "*", "start": "21:00", "end": "09:00",
               "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat"]}
            ],
            "caps": [
              {"purpose": "marketing", "channel": "*", "max": 3, "per": "24h", "on_exceed": "drop"},
              {"purpose": "marketing", "channel": "sms", "max": 1, "per": "24h", "on_exceed": "defer"}
            ],
            "sms": {"max_segments": 6}
          }
        }
        """

    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    @Test func decodesTheDocumentedShape() throws {
        let rules = try decode(PolicyRules.self, Self.config)
        #expect(rules.defaultTimezone == "Europe/London")
        #expect(rules.unknownTimezone == .hold)
        #expect(rules.smsMaxSegments == 6)
        #expect(rules.quietHours == [Fixture.eveningQuiet])
        #expect(
            rules.caps == [
                CapRule(purpose: .marketing, max: 3, per: .init(seconds: 86_400), onExceed: .drop),
                CapRule(purpose: .marketing, channel: "sms", max: 1, per: .init(seconds: 86_400), onExceed: .defer),
            ])
        #expect(rules.capLookback == 86_400)
        // Round trip through the same keys.
        #expect(try decode(PolicyRules.self, String(decoding: JSONEncoder().encode(rules), as: UTF8.self)) == rules)
    }

    @Test func sectionsBuildTheSameRules() throws {
        let defaults = try decode(DefaultsSection.self, #"{"timezone": "Europe/London", "unknown_timezone": "hold"}"#)
        let policy = try decode(PolicySection.self, #"{"quiet_hours": [], "caps": [], "sms": {"max_segments": 6}}"#)
        let rules = PolicyRules(defaults: defaults, policy: policy)
        #expect(rules == PolicyRules(defaultTimezone: "Europe/London", unknownTimezone: .hold, smsMaxSegments: 6))
    }

    @Test func absentSectionsGiveDefaults() throws {
        let rules = try decode(PolicyRules.self, "{}")
        #expect(rules == PolicyRules(quietHours: Self.strictQuietHours, caps: Self.strictCaps))
        #expect(rules.defaultTimezone == "UTC")
        #expect(rules.unknownTimezone == .default)
        #expect(rules.smsMaxSegments == 10)
        #expect(rules.quietHours == Self.strictQuietHours && rules.caps == Self.strictCaps)
    }

    static let strictQuietHours = [
        QuietHoursRule(purpose: .marketing, channel: "*", start: LocalClockTime(hour: 21, minute: 0), end: LocalClockTime(hour: 8, minute: 0))
    ]
    static let strictCaps = [CapRule(purpose: .marketing, channel: "*", max: 3, per: .init(seconds: 86_400), onExceed: .drop)]

    @Test("with no policy section marketing gets quiet hours 21:00–08:00 and 3 per 24 h across channels")
    func noPolicyIsStrict() throws {
        for json in ["{}", #"{"defaults": {"timezone": "Asia/Tehran"}}"#] {
            let rules = try decode(PolicyRules.self, json)
            #expect(rules.quietHours == Self.strictQuietHours)
            #expect(rules.caps == Self.strictCaps)
        }
        // A policy section that leaves a rule list out keeps that list's strict default.
        let onlySMS = try decode(PolicyRules.self, #"{"policy": {"sms": {"max_segments": 4}}}"#)
        #expect(onlySMS.quietHours == Self.strictQuietHours)
        #expect(onlySMS.caps == Self.strictCaps)
        #expect(onlySMS.smsMaxSegments == 4)
    }

    @Test("an explicit empty policy turns quiet hours and caps off")
    func explicitEmptyPolicyIsLax() throws {
        let rules = try decode(PolicyRules.self, #"{"policy": {"quiet_hours": [], "caps": []}}"#)
        #expect(rules.quietHours.isEmpty)
        #expect(rules.caps.isEmpty)
    }

    @Test(arguments: [
        ("24h", 86_400.0), ("30m", 1_800), ("7d", 604_800), ("3600s", 3_600), ("1h30m", 5_400), ("90", 90),
        ("2w", 1_209_600),
    ])
    func durations(_ text: String, _ seconds: Double) {
        #expect(PolicyDuration(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "h", "24x", "-3h", "1.5h", "3h4"])
    func badDurations(_ text: String) {
        #expect(PolicyDuration(parsing: text) == nil)
    }

    @Test(arguments: [
        #"{"defaults": {"timezone": "Mars/Olympus"}}"#,
        #"{"defaults": {"unknown_timezone": "guess"}}"#,
        #"{"policy": {"quiet_hours": [{"purpose": "marketing", "start": "25:00", "end": "09:00"}]}}"#,
        #"{"policy": {"quiet_hours": [{"purpose": "marketing", "start": "21:00"}]}}"#,
        #"{"policy": {"quiet_hours": [{"purpose": "marketing", "weekdays": ["funday"]}]}}"#,
        #"{"policy": {"caps": [{"purpose": "marketing", "channel": "fax", "max": 1, "per": "1h"}]}}"#,
        #"{"policy": {"caps": [{"purpose": "marketing", "max": 1, "per": "soon"}]}}"#,
        #"{"policy": {"caps": [{"purpose": "marketing", "max": -1, "per": "1h"}]}}"#,
        #"{"policy": {"caps": [{"purpose": "promo", "max": 1, "per": "1h"}]}}"#,
    ])
    func rejectsBadConfig(_ json: String) {
        #expect(throws: DecodingError.self) { try decode(PolicyRules.self, json) }
    }

    @Test(arguments: [("09:00", 9, 0), ("9:05", 9, 5), ("23:59", 23, 59), ("00:00", 0, 0)])
    func clockTimes(_ text: String, _ hour: Int, _ minute: Int) {
        #expect(LocalClockTime(parsing: text) == LocalClockTime(hour: hour, minute: minute))
    }

    @Test(arguments: ["24:00", "12:60", "1200", "12:5", "ab:cd", "", "12:00:00"])
    func badClockTimes(_ text: String) {
        #expect(LocalClockTime(parsing: text) == nil)
    }
}
