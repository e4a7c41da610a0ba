import Foundation
import HeraldCore
import Testing

/// RFC 3339 as written by clients in other zones: the offset used to be ignored (`12:00:00+03:30` read as 12:00
/// UTC), so an `expires_at` already past was sent and a `send_at` written in Tehran time fired hours late.
@Suite struct TimestampTests {
    private func utc(_ text: String) -> Date { Timestamp.parse(text)! }

    @Test(arguments: [
        ("2025-06-01T12:00:00+03:30", "2025-06-01T08:30:00Z"), ("2026-12-01T20:00:00-05:00", "2026-12-02T01:00:00Z"),
        ("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z"), ("2024-02-29t10:00:00z", "2024-02-29T10:00:00Z"),
        ("2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"), ("2026-03-01T10:00:00-00:00", "2026-03-01T10:00:00Z"),
    ])
    func anOffsetIsApplied(_ written: String, _ meant: String) {
        #expect(Timestamp.parse(written) == utc(meant))
    }

    @Test func fractionsAreKeptToTheMillisecondWithoutRounding() {
        #expect(utc("2023-12-31T23:59:59.999999Z").millisecondsSince1970 == utc("2023-12-31T23:59:59Z").millisecondsSince1970 + 999)
        #expect(utc("2023-12-31T23:59:59.5Z").millisecondsSince1970 == utc("2023-12-31T23:59:59Z").millisecondsSince1970 + 500)
        #expect(utc("1970-01-01T00:00:00.042Z").millisecondsSince1970 == 42)
    }

    @Test(arguments: [
        "2025-06-01T12:00:00", "2025-06-01T12:00:00+25:00", "2025-06-01T12:00:00+0330", "2025-06-01T12:00:00+03",
        "2025-06-01T24:00:00Z", "2025-06-01T12:60:00Z", "0000-01-01T00:00:00Z", "2025-06-01 12:00:00Z", "2025-06-01T12:00Z",
        "2025-06-01T12:00:00.Z", "2025-06-01T12:00:00Zjunk", "2025-02-30T12:00:00Z", "2025-06-01", "",
        "2025-06-01T12:00:00+03:60", "+2025-06-01T12:00:00Z", "2025-6-01T12:00:00Z",
    ])
    func anythingElseIsRefused(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    /// Whole seconds from 1900 to 9999 (before 1583 Foundation writes Julian dates; RFC 3339's are Gregorian;
    /// fractions are above).
    @Test func whatHeraldWritesReadsBackAsTheSameText() {
        for milliseconds in stride(from: Int64(-2_208_988_800_000), through: 253_402_300_799_000, by: 3_777_777_777_000) {
            let written = Timestamp.format(Date(milliseconds: milliseconds))
            #expect(Timestamp.parse(written).map(Timestamp.format) == written)
        }
    }
}
