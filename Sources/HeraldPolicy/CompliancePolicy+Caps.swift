import Foundation
import HeraldCore

extension CompliancePolicy {
    enum CapOutcome {
        case clear
        case drop
        case deferred(Date)
    }

    /// Rule 6: every cap rule naming this job's purpose (and topic) and channel. A send counts when it
    /// matches the rule's scope and is later than at − per. A send dated after `at` counts too: another
    /// claim reserved it while this one, its clock already read, waited for SQLite's writer or the contact's
    /// lock; leaving it out let both send. Transactional jobs are exempt unless a rule names purpose transactional.
    func applyCaps(at: Date, input: PolicyInput, clock: ZonedClock?, trace: inout [TraceStep]) -> CapOutcome {
        let purpose = input.job.purpose
        let topic = input.job.topic == "*" ? nil : input.job.topic
        var latestFree: Date?
        for (index, rule) in rules.caps.enumerated()
        where rule.matches(purpose: purpose, topic: topic, channel: input.channel) {
            let windowStart = at.addingTimeInterval(-rule.per.seconds)
            var count = 0
            for send in input.facts.recentSends
            where send.at > windowStart && rule.matches(purpose: send.purpose, topic: send.topic, channel: send.channel)
            {
                count += 1
            }
            let prebuilt = compiled.capLinesBelowLimit[index]
            let counter =
                count < prebuilt.count
                ? prebuilt[count] : TraceText.join(compiled.capLabels[index], String(count), compiled.capLimits[index])
            guard count >= rule.max else {
                trace.append(step(.frequencyCap, "pass", counter, at: at))
                continue
            }
            guard rule.onExceed == .defer, rule.max > 0 else {
                trace.append(step(.frequencyCap, "suppress", counter + "; dropped", at: at))
                return .drop
            }
            let free = slotFrees(
                rule: rule, count: count, windowStart: windowStart, at: at, sends: input.facts.recentSends)
            let shown = clock.map { " (\($0.describe(free)))" } ?? ""
            trace.append(step(.frequencyCap, "defer", counter + "; a slot frees\(shown)", at: free))
            latestFree = max(latestFree ?? free, free)
        }
        return latestFree.map(CapOutcome.deferred) ?? .clear
    }

    /// The instant enough counted sends have left the window for one more to fit.
    private func slotFrees(rule: CapRule, count: Int, windowStart: Date, at: Date, sends: [SendRecord]) -> Date {
        let counted = sends.lazy.filter {
            $0.at > windowStart && rule.matches(purpose: $0.purpose, topic: $0.topic, channel: $0.channel)
        }.map(\.at).sorted()
        return counted[count - rule.max].addingTimeInterval(rule.per.seconds)
    }
}
