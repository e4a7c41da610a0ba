import Foundation
import HeraldCore

extension CompliancePolicy {
    /// How many local days ahead an opening is searched for (a week plus DST slack).
    static let openingSearchDays = 9

    /// `at` itself when every applicable window is open then, else the next opening; nil when no
    /// opening exists in the search horizon (e.g. a rule that allows no weekday).
    func applyWindows(at: Date, input: PolicyInput, clock: ZonedClock, trace: inout [TraceStep]) -> Date? {
        if isOpen(at, input: input, clock: clock) {
            trace.append(step(.sendWindow, "pass", TraceWording.localTime(prefix: "open at ", clock: clock, date: at), at: at))
            return at
        }
        guard let opening = nextOpening(after: at, input: input, clock: clock) else {
            trace.append(
                step(.sendWindow, "suppress", "closed at \(clock.describe(at)) and no opening within a week", at: at))
            return nil
        }
        trace.append(
            step(
                .sendWindow, "defer",
                "closed at \(clock.describe(at)) (\(closingRules(at, input: input, clock: clock))); "
                    + "next opening \(clock.describe(opening))", at: opening))
        return opening
    }

    func isOpen(_ date: Date, input: PolicyInput, clock: ZonedClock) -> Bool {
        let moment = clock.local(date)
        for rule in rules.quietHours where rule.applies(to: input.job.purpose, channel: input.channel) {
            if !rule.isOpen(secondOfDay: moment.secondOfDay, weekday: moment.weekday) { return false }
        }
        return true
    }

    /// The earliest instant after `date` at which every applicable window is open. Openings can
    /// only begin at a quiet period's end or at a local midnight, so those are the candidates.
    private func nextOpening(after date: Date, input: PolicyInput, clock: ZonedClock) -> Date? {
        let firstDay = clock.local(date).day
        for day in firstDay...(firstDay + Self.openingSearchDays) {
            var candidates: [Date] = []
            for rule in rules.quietHours where rule.applies(to: input.job.purpose, channel: input.channel) {
                for second in rule.openingSecondsOfDay {
                    candidates.append(contentsOf: clock.instants(day: day, secondOfDay: second))
                }
            }
            for candidate in candidates.sorted() where candidate > date && isOpen(candidate, input: input, clock: clock)
            {
                return candidate
            }
        }
        return nil
    }

    private func closingRules(_ date: Date, input: PolicyInput, clock: ZonedClock) -> String {
        let moment = clock.local(date)
        return rules.quietHours.filter {
            $0.applies(to: input.job.purpose, channel: input.channel)
                && !$0.isOpen(secondOfDay: moment.secondOfDay, weekday: moment.weekday)
        }.map(\.summary).joined(separator: "; ")
    }
}
