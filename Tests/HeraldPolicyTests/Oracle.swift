import Foundation
import HeraldCore

@testable import HeraldPolicy

/// An independent reading of send windows through Foundation's `Calendar`, to check the policy against.
enum Oracle {
    static let zones = [
        "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Tehran", "Asia/Kathmandu", "UTC",
        "America/Sao_Paulo", "Pacific/Chatham",
    ]

    static func calendar(_ zone: String) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        return calendar
    }

    /// Wall-clock second of day and ISO weekday (0 = Monday) as `Calendar` sees them.
    static func wallClock(_ date: Date, zone: String) -> (secondOfDay: Int, weekday: Int) {
        let parts = calendar(zone).dateComponents([.hour, .minute, .second, .weekday], from: date)
        return (parts.hour! * 3600 + parts.minute! * 60 + parts.second!, (parts.weekday! + 5) % 7)
    }

    static func isOpen(_ date: Date, zone: String, rules: [QuietHoursRule]) -> Bool {
        let (second, weekday) = wallClock(date, zone: zone)
        return rules.allSatisfy { rule in
            if let days = rule.weekdays, !days.contains(isoIndex: weekday) { return false }
            guard let start = rule.start?.secondsOfDay, let end = rule.end?.secondsOfDay, start != end else {
                return true
            }
            let quiet = start < end ? (second >= start && second < end) : (second >= start || second < end)
            return !quiet
        }
    }
}
