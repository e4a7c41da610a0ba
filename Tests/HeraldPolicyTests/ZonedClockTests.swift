import Foundation
import PropertyBased
import Testing

import HeraldCore
@testable import HeraldPolicy

/// The clock's own day arithmetic agrees with Foundation's `Calendar` in every zone we test with.
@Suite("Zoned clock")
struct ZonedClockTests {
    @Test func localMomentMatchesCalendar() async {
        let zone = Gen.int(in: 0...(Oracle.zones.count - 1)).map { Oracle.zones[$0] }
        await propertyCheck(count: 500, input: zone, Gen.dateTime(inYear: 2024...2027)) { zone, date in
            let clock = ZonedClock(zone: TimeZone(identifier: zone)!)
            let moment = clock.local(date)
            let parts = Oracle.calendar(zone).dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: date)
            let civil = CivilCalendar.date(fromDays: moment.day)
            #expect(civil.year == parts.year && civil.month == parts.month && civil.day == parts.day)
            #expect(Int(moment.secondOfDay) == parts.hour! * 3600 + parts.minute! * 60 + parts.second!)
            #expect(Oracle.wallClock(date, zone: zone).weekday == moment.weekday)
        }
    }

    @Test func wallTimeMapsBackOrToTheGapEnd() async {
        let zone = Gen.int(in: 0...(Oracle.zones.count - 1)).map { Oracle.zones[$0] }
        let day = Gen.int(in: 19_723...21_184)  // 2024-01-01 … 2027-12-31
        await propertyCheck(count: 500, input: zone, day, Gen.int(in: 0...(24 * 4 - 1))) { zone, day, quarter in
            let clock = ZonedClock(zone: TimeZone(identifier: zone)!)
            let wanted = quarter * 900
            let instants = clock.instants(day: day, secondOfDay: wanted)
            #expect((1...2).contains(instants.count))
            for instant in instants {
                let moment = clock.local(instant)
                if moment.day == day && Int(moment.secondOfDay) == wanted { continue }
                // Skipped wall time: the instant is a transition, i.e. the offset changes right there.
                #expect(instants.count == 1)
                #expect(
                    clock.offset(at: instant.timeIntervalSince1970 - 1)
                        != clock.offset(at: instant.timeIntervalSince1970))
            }
        }
    }

    @Test func civilDaysKnownDates() {
        #expect(CivilCalendar.date(fromDays: 0) == (1970, 1, 1))
        #expect(CivilCalendar.date(fromDays: 19_723) == (2024, 1, 1))
        #expect(CivilCalendar.date(fromDays: 19_782) == (2024, 2, 29))
        #expect(CivilCalendar.date(fromDays: -1) == (1969, 12, 31))
    }
}
