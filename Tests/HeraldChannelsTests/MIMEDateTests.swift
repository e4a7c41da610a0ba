import Foundation
import Testing

@testable import HeraldChannels

/// The Date header is computed by hand for speed; Foundation's Gregorian calendar is the reference.
@Suite("MIME Date header")
struct MIMEDateTests {
    @Test(
        "pinned dates: epoch, leap days, century years, before 1970, end of a day",
        arguments: [
            (0.0, "Thu, 1 Jan 1970 00:00:00 +0000"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 +0000"),
            (4_107_542_399, "Sun, 28 Feb 2100 23:59:59 +0000"),
            (4_107_542_400, "Mon, 1 Mar 2100 00:00:00 +0000"),
            (-1, "Wed, 31 Dec 1969 23:59:59 +0000"),
            (-86_400.5, "Tue, 30 Dec 1969 23:59:59 +0000"),
            (1_795_435_345, "Mon, 23 Nov 2026 12:02:25 +0000"),
        ])
    func pinned(seconds: Double, expected: String) {
        #expect(MIMEDate.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test("matches Foundation's Gregorian calendar in UTC across four centuries")
    func matchesCalendar() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Double(Int64.random(in: -2_208_988_800...10_000_000_000, using: &generator))
            let date = Date(timeIntervalSince1970: seconds)
            #expect(MIMEDate.format(date) == Self.reference(date))
        }
    }

    static func reference(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let time = String(format: "%02d:%02d:%02d", c.hour!, c.minute!, c.second!)
        return "\(weekdays[c.weekday! - 1]), \(c.day!) \(months[c.month! - 1]) \(c.year!) \(time) +0000"
    }
}
