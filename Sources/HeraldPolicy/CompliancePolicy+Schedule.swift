import Foundation
import HeraldCore

extension CompliancePolicy {
    /// How many window/cap rounds a deferral may take before it is handed back as is
    /// (the send-stage re-check then settles it).
    static let maxDeferralRounds = 8

    /// Rules 4–6: zone, send time, send window and caps, combined into the earliest instant that
    /// satisfies all of them, or a suppression when that instant would be at or after `expires_at`.
    func schedule(_ input: PolicyInput, trace: inout [TraceStep]) -> Verdict {
        // Fields are read through `input` rather than a copied `JobSpec`: copying one retains a dozen references.
        let purpose = input.job.purpose
        let hasWindows = rules.quietHours.contains { $0.applies(to: purpose, channel: input.channel) }
        let localTime = input.job.localTime.flatMap(LocalClockTime.init(parsing:))
        var clock: ZonedClock?
        if hasWindows || (localTime != nil && input.stage == .fanout) {
            guard let resolved = resolveZone(for: input.contact, trace: &trace) else { return .suppress(.noTimezone) }
            clock = resolved
        } else {
            trace.append(step(.timezone, "skip", "not needed: no local_time to place and no send window applies"))
        }

        var at = sendTime(input, localTime: localTime, clock: clock, trace: &trace)
        var cause = SuppressionReason.quietHoursExpired
        var stable = false
        for _ in 0..<Self.maxDeferralRounds {
            if hasWindows, let clock {
                guard let opened = applyWindows(at: at, input: input, clock: clock, trace: &trace) else {
                    return .suppress(.quietHoursExpired)
                }
                at = opened
            }
            if let reason = pastExpiry(at, expiresAt: input.job.expiresAt, cause: cause, trace: &trace) {
                return .suppress(reason)
            }
            switch applyCaps(at: at, input: input, clock: clock, trace: &trace) {
            case .clear:
                stable = true
            case .drop:
                return .suppress(.capped)
            case .deferred(let until):
                at = until
                cause = .capped
            }
            if stable { break }
        }
        if !stable, hasWindows, let clock {
            guard let opened = applyWindows(at: at, input: input, clock: clock, trace: &trace) else {
                return .suppress(.quietHoursExpired)
            }
            at = opened
            if let reason = pastExpiry(at, expiresAt: input.job.expiresAt, cause: cause, trace: &trace) {
                return .suppress(reason)
            }
        }
        return at > input.now ? .deferUntil(at) : .send
    }

    /// The job's own earliest time: `send_at`, then (at fan-out) the next `local_time` in the contact's zone.
    /// At the send stage `local_time` was already placed by fan-out; a late pickup still sends.
    private func sendTime(
        _ input: PolicyInput, localTime: LocalClockTime?, clock: ZonedClock?, trace: inout [TraceStep]
    ) -> Date {
        var at = input.now
        var detail = "no send_at"
        if let sendAt = input.job.sendAt, sendAt > input.now {
            at = sendAt
            detail = "not before send_at"
        }
        if let text = input.job.localTime {
            if let localTime, input.stage == .fanout, let clock {
                at = clock.nextOccurrence(of: localTime, atOrAfter: at)
                detail += "; next local_time \(localTime) is \(clock.describe(at))"
            } else if localTime != nil {
                detail += "; local_time \(text) was placed at fan-out, sending late is fine"
            } else {
                detail += "; local_time \"\(text.prefix(16))\" is not HH:mm and was ignored"
            }
        }
        trace.append(step(.sendTime, at > input.now ? "defer" : "pass", detail, at: at))
        return at
    }

    private func pastExpiry(_ at: Date, expiresAt: Date?, cause: SuppressionReason, trace: inout [TraceStep])
        -> SuppressionReason?
    {
        guard let expiresAt, at >= expiresAt else { return nil }
        let step = step(
            cause == .capped ? .frequencyCap : .sendWindow, "suppress",
            "earliest allowed send time is at or after expires_at", at: at)
        trace.append(step)
        return cause
    }
}
