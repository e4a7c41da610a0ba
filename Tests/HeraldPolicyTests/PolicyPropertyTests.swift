import Foundation
import HeraldCore
import PropertyBased
import Testing

@testable import HeraldPolicy

@Suite("Policy properties")
struct PolicyPropertyTests {
    static let zone = Gen.int(in: 0...(Oracle.zones.count - 1)).map { Oracle.zones[$0] }
    static let instant = Gen.dateTime(inYear: 2024...2027)
    static let clock = zip(Gen.int(in: 0...23), Gen.int(in: 0...3)).map {
        LocalClockTime(hour: $0.0, minute: $0.1 * 15)!
    }
    static let window = zip(clock, clock, Gen.int(in: 1...127), Gen.bool(0.2)).map {
        QuietHoursRule(
            purpose: .marketing, start: $0.0, end: $0.1, weekdays: $0.3 ? nil : WeekdaySet(rawValue: UInt8($0.2)))
    }
    static let channel = Gen<ChannelKind>.case.filter { $0 == .email || $0 == .sms }

    @Test func deferredTimeIsInsideEveryWindow() async {
        await propertyCheck(count: 400, input: Self.zone, Self.instant, Self.window.array(of: 1...2)) {
            zone, now, windows in
            let policy = Fixture.policy(PolicyRules(quietHours: windows))
            let decision = policy.decide(Fixture.input(now: now, contact: Fixture.contact(timezone: zone)))
            switch decision.verdict {
            case .send:
                #expect(Oracle.isOpen(now, zone: zone, rules: windows))
            case .deferUntil(let at):
                #expect(at > now)
                #expect(Oracle.isOpen(at, zone: zone, rules: windows))
                #expect(!Oracle.isOpen(now, zone: zone, rules: windows))
                // Earliest: the second before the opening, and samples since now, are all closed.
                #expect(!Oracle.isOpen(max(now, at.addingTimeInterval(-1)), zone: zone, rules: windows))
                for step in 1...24 {
                    let probe = now.addingTimeInterval(at.timeIntervalSince(now) * Double(step) / 25)
                    #expect(!Oracle.isOpen(probe, zone: zone, rules: windows), "open earlier at \(probe)")
                }
            case .suppress(let reason):
                // Only a rule set with no open instant in the coming week may suppress.
                #expect(reason == .quietHoursExpired)
                let week = (0..<(7 * 96)).map { now.addingTimeInterval(Double($0) * 900) }
                #expect(!week.contains { Oracle.isOpen($0, zone: zone, rules: windows) })
            }
        }
    }

    static let cap = zip(Gen.int(in: 1...3), Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.bool()).map {
        CapRule(
            purpose: .marketing, channel: ["*", "email", "sms"][$0.1], max: $0.0,
            per: .init(seconds: [3_600, 10_800, 86_400][$0.2]), onExceed: $0.3 ? .defer : .drop)
    }
    static let maxAttempts = 14
    static let attempts = zip(Gen.int(in: 0...(48 * 60)), Self.channel).array(of: 1...maxAttempts)

    @Test func capsHoldInEveryWindow() async {
        await propertyCheck(count: 200, input: Self.cap.array(of: 1...2), Self.attempts, Self.window.optional) {
            caps, attempts, window in
            let policy = Fixture.policy(PolicyRules(quietHours: window.map { [$0] } ?? [], caps: caps))
            let sends = Self.decide(attempts, with: policy) { queue in
                queue.remove(at: queue.indices.min { queue[$0].at < queue[$1].at }!)
            }
            Self.expectHeld(caps, by: sends)
        }
    }

    /// Claims read their clocks, then commit in whatever order the writer or row locks allow: a decision can
    /// see sends dated after its own instant. Decided in any order, the caps still hold in every window.
    @Test func capsHoldWhateverOrderDecisionsCommitIn() async {
        let order = Gen.int(in: 0...1_000).array(of: Self.maxAttempts)
        await propertyCheck(count: 200, input: Self.cap.array(of: 1...2), Self.attempts, order) {
            caps, attempts, order in
            let shuffled = attempts.indices.sorted { order[$0] < order[$1] }.map { attempts[$0] }
            let sends = Self.decide(shuffled, with: Fixture.policy(PolicyRules(caps: caps))) { $0.removeFirst() }
            Self.expectHeld(caps, by: sends)
        }
    }

    private typealias Attempt = (at: Date, channel: ChannelKind, stage: PolicyStage)

    /// Decides marketing attempts (minutes after a start, channel) for one contact, the next one chosen by
    /// `next`; a deferred attempt comes back at its time. Returns the sends.
    private static func decide(
        _ attempts: [(Int, ChannelKind)], with policy: CompliancePolicy, next: (inout [Attempt]) -> Attempt
    ) -> [SendRecord] {
        let start = Fixture.utc("2026-03-07T12:00:00Z")
        let contact = Fixture.contact(timezone: "America/New_York")
        var queue: [Attempt] = attempts.map { (start.addingTimeInterval(Double($0.0) * 60), $0.1, .fanout) }
        var sends: [SendRecord] = []
        var rounds = 0
        while !queue.isEmpty, rounds < 500 {
            rounds += 1
            let attempt = next(&queue)
            let input = Fixture.input(
                now: attempt.at, stage: attempt.stage, contact: contact, channel: attempt.channel, sends: sends)
            switch policy.decide(input).verdict {
            case .send: sends.append(SendRecord(channel: attempt.channel, purpose: .marketing, topic: nil, at: attempt.at))
            case .deferUntil(let at):
                #expect(at > attempt.at)
                queue.append((at, attempt.channel, .send))
            case .suppress(let reason): #expect(reason == .capped || reason == .quietHoursExpired)
            }
        }
        return sends
    }

    /// No rolling window of any rule holds more than its `max` sends.
    private static func expectHeld(_ caps: [CapRule], by sends: [SendRecord]) {
        for rule in caps {
            let scoped = sends.filter { rule.channel == "*" || rule.channel == $0.channel.rawValue }
            for send in scoped {
                let inWindow = scoped.filter { $0.at > send.at.addingTimeInterval(-rule.per.seconds) && $0.at <= send.at }
                #expect(inWindow.count <= rule.max, "\(rule.summary) exceeded at \(send.at)")
            }
        }
    }

    static let scope = zip(Gen.bool(), Gen.bool(), Gen.bool())
    static let priorEvent = zip(Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.bool()).map {
        (channel: ["*", "email", "sms"][$0.0], topic: ["*", "newsletter", "loyalty"][$0.1], granted: $0.2)
    }

    @Test func revocationAfterEnqueueNeverSends() async {
        await propertyCheck(count: 300, input: Self.priorEvent.array(of: 0...6), Self.scope, Self.instant) {
            prior, scope, now in
            let (transactional, channelWide, topicWide) = scope
            let purpose: Purpose = transactional ? .transactional : .marketing
            var events = prior.enumerated().map {
                Fixture.event(
                    Int64($0.offset + 1), $0.element.channel, $0.element.topic, $0.element.granted ? .granted : .revoked
                )
            }
            // The revocation covers the delivery: its channel or "*", the job's topic or "*" (only "*" for transactional).
            let revocation = Fixture.event(
                Int64(events.count + 1), channelWide ? "*" : "email", transactional || topicWide ? "*" : "newsletter",
                .revoked)
            events.append(revocation)
            let input = Fixture.input(
                now: now, stage: .send, job: Fixture.job(purpose, topic: "newsletter"), consents: events)
            let decision = Fixture.policy().decide(input)
            #expect(decision.verdict == .suppress(.optedOut))
            // The deciding event is a revocation: this one, or an older topic-level one that already stopped it.
            let deciding = events.first { $0.id == decision.step(.optOut)?.consentEventId }
            #expect(deciding?.status == .revoked)
        }
    }

    @Test func deferralIsAlwaysInTheFuture() async {
        let job = zip(Gen.int(in: -3_600...86_400).optional, Self.clock.optional, Gen.bool())
        await propertyCheck(
            count: 300, input: Self.zone, Self.instant, Self.window.array(of: 0...2), Self.cap.array(of: 0...2), job
        ) { zone, now, windows, caps, job in
            let (sendAfter, localTime, atSendStage) = job
            let spec = Fixture.job(
                sendAt: sendAfter.map { now.addingTimeInterval(Double($0)) }, localTime: localTime?.description)
            let sends = (1...3).map {
                SendRecord(
                    channel: .email, purpose: .marketing, topic: nil, at: now.addingTimeInterval(Double(-$0 * 1_800)))
            }
            let input = Fixture.input(
                now: now, stage: atSendStage ? .send : .fanout, contact: Fixture.contact(timezone: zone), job: spec,
                sends: sends)
            let decision = Fixture.policy(PolicyRules(quietHours: windows, caps: caps)).decide(input)
            if let at = decision.deferredUntil {
                #expect(at > now)
                #expect(Oracle.isOpen(at, zone: zone, rules: windows))
            }
            #expect(decision.trace.count <= 40)
        }
    }
}
