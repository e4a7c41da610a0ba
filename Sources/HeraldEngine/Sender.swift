import Foundation
import HeraldCore

/// Sends claimed deliveries through their channel instances and says what should happen to each next.
/// Failover: an instance that answers "retry" or whose breaker is open hands the message to the next one.
struct Sender: Sendable {
    let router: ChannelRouter
    let settings: EngineSettings
    let now: @Sendable () -> Date
    let jitter: @Sendable () -> Double

    /// Sends a claimed batch: each instance gets its share in one call; a message an instance could not
    /// take (breaker open) or answered "retry" goes on to its next candidate instance as soon as that
    /// instance's call returns. `gate` has the last word before each message leaves (an opt-out, a cancel, an
    /// erasure or a suppression since the claim stops it). Outcomes come back in the order of `batch`.
    func send(
        _ batch: [(claimed: ClaimedDelivery, content: CompiledContent)], gate: SendGate
    ) async -> [DeliveryOutcome] {
        var sends: [PendingSend] = []
        var outcomes = [DeliveryOutcome?](repeating: nil, count: batch.count)
        for (index, (claimed, content)) in batch.enumerated() {
            // Called only for content that mentions {{unsubscribe_url}} or {{preferences_url}}.
            var links: TemplateLinks?
            let rendered = content.render(claimed.channel, for: claimed.contact) {
                links = settings.templateLinks(for: claimed, now: now())
                return links
            }
            guard let rendered else {
                outcomes[index] = outcome(claimed, attempts: [], next: .failed, trace: "the job has no content for this channel")
                continue
            }
            let pending = PendingSend(
                index: index, claimed: claimed, rendered: rendered, unsubscribeURL: unsubscribeURL(for: claimed, signed: links),
                router: router, sender: self)
            // Intake checks what it can know; a placeholder can still render long. Refused here, not sent.
            if let segments = pending.segments, let limit = settings.smsMaxSegments, segments > limit {
                var result = outcome(
                    claimed, attempts: [], next: .failed,
                    trace: "the rendered SMS is \(segments) segments, over policy.sms.max_segments (\(limit)); not sent")
                result.smsSegments = segments
                result.fallback = fallback(for: claimed)
                outcomes[index] = result
                continue
            }
            sends.append(pending)
        }
        await withTaskGroup(of: (InstanceGuard, [Int], [SendResult?]).self) { group in
            func hand(_ members: [Int]) {
                for (instance, members) in byNextInstance(members, in: sends) {
                    let messages = members.map { sends[$0].message }
                    group.addTask { (instance, members, await instance.send(batch: messages, now: now, admit: gate.admit)) }
                }
            }
            hand(Array(sends.indices))
            for await (instance, members, results) in group {
                hand(absorb(results, from: instance, into: members, of: &sends, gate: gate))
            }
        }
        for send in sends {
            let stop = gate.stop(deliveryId: send.claimed.deliveryId)
            var result = stop.map { stop in stopped(send, by: stop) } ?? finish(send)
            // Which locale variant was rendered, when the content has variants; not for an erased contact, whose
            // traces the erasure blanked.
            if stop != .contactErased,
                let match = batch[send.index].content.localeMatch(send.claimed.channel, for: send.claimed.contact)
            {
                result.trace.insert(match.traceStep, at: 0)
            }
            outcomes[send.index] = result
        }
        return outcomes.map { $0! }
    }

    /// The sends among `members` that still have a candidate to try, grouped by it.
    private func byNextInstance(_ members: [Int], in sends: [PendingSend]) -> [(InstanceGuard, [Int])] {
        var groups: [ObjectIdentifier: (instance: InstanceGuard, members: [Int])] = [:]
        var order: [ObjectIdentifier] = []
        for member in members where sends[member].next < sends[member].candidates.count {
            let instance = sends[member].candidates[sends[member].next]
            let key = ObjectIdentifier(instance)
            if groups[key] == nil { order.append(key) }
            groups[key, default: (instance, [])].members.append(member)
        }
        return order.map { groups[$0]! }
    }

    /// Records one instance's answers; returns the members that move on to their next candidate.
    private func absorb(
        _ results: [SendResult?], from instance: InstanceGuard, into members: [Int], of sends: inout [PendingSend],
        gate: SendGate
    ) -> [Int] {
        var moving: [Int] = []
        for (member, result) in zip(members, results) {
            sends[member].next += 1
            if result == nil, gate.stop(deliveryId: sends[member].claimed.deliveryId) != nil { continue }
            if let result {
                let latency = result.latency ?? .zero
                let seconds = Double(latency.components.seconds) + Double(latency.components.attoseconds) / 1e18
                sends[member].attempts.append(
                    Attempt(
                        number: sends[member].claimed.attempt, at: now().addingTimeInterval(-seconds),
                        latencyMs: Int(latency / .milliseconds(1)), instance: instance.driver.id,
                        outcome: result.outcome, providerMessageId: result.providerMessageId, error: result.error))
                sends[member].last = result
                if result.outcome != .retry { continue }
            }
            moving.append(member)
        }
        return moving
    }

    /// Something done after the claim (an opt-out, a cancel, an erasure, a suppression) stopped it before any
    /// provider saw it.
    private func stopped(_ send: PendingSend, by stop: LateStop) -> DeliveryOutcome {
        var result = DeliveryOutcome(
            deliveryId: send.claimed.deliveryId, owner: settings.workerId, attempts: send.attempts,
            next: .suppressed(stop.reason), trace: [stop.traceStep(at: now())], decisionTrace: send.claimed.decisionTrace)
        result.smsSegments = send.segments
        return result
    }

    /// What the last instance's answer means for the delivery.
    private func finish(_ send: PendingSend) -> DeliveryOutcome {
        let claimed = send.claimed
        guard let last = send.last else {
            // No instance could take it (none configured, or every breaker open): try again later.
            return retryOrFail(
                claimed, attempts: send.attempts, retryAfter: nil, segments: send.segments,
                detail: "no channel instance available")
        }
        var result = outcome(claimed, attempts: send.attempts, next: .sent, trace: nil)
        result.smsSegments = send.segments
        result.invalidAddresses = last.invalidAddresses
        switch last.outcome {
        case .sent:
            return result
        case .retry:
            return retryOrFail(
                claimed, attempts: send.attempts, retryAfter: last.retryAfter, segments: send.segments,
                detail: last.error ?? "transient failure")
        case .permanent:
            result.next = .failed
            result.fallback = fallback(for: claimed)
        case .invalidAddress:
            result.next = .suppressed(.invalidAddress)
            result.invalidAddresses = last.invalidAddresses.isEmpty ? send.message.addresses : last.invalidAddresses
            result.fallback = fallback(for: claimed)
        case .optedOut:
            result.next = .suppressed(.optedOut)
            result.fallback = fallback(for: claimed)
        }
        return result
    }

    private func retryOrFail(
        _ claimed: ClaimedDelivery, attempts: [Attempt], retryAfter: TimeInterval?, segments: Int?, detail: String
    ) -> DeliveryOutcome {
        if settings.retry.allowsRetry(afterAttempt: claimed.attempt) {
            let delay = settings.retry.delay(afterAttempt: claimed.attempt, jitter: jitter(), retryAfter: retryAfter)
            var result = outcome(
                claimed, attempts: attempts, next: .retry(at: now().addingTimeInterval(delay)),
                trace: "\(detail); retry in \(Int(delay.rounded()))s")
            result.smsSegments = segments
            return result
        }
        var result = outcome(
            claimed, attempts: attempts, next: .failed,
            trace: "\(detail); gave up after \(claimed.attempt) attempts")
        result.fallback = fallback(for: claimed)
        result.smsSegments = segments
        return result
    }

    private func outcome(_ claimed: ClaimedDelivery, attempts: [Attempt], next: DeliveryOutcome.Next, trace: String?)
        -> DeliveryOutcome
    {
        DeliveryOutcome(
            deliveryId: claimed.deliveryId, owner: settings.workerId, attempts: attempts, next: next,
            trace: trace.map { [TraceStep(rule: "send", outcome: "\(next)", detail: $0, at: now())] } ?? [],
            decisionTrace: claimed.decisionTrace)
    }

    /// `strategy: first` moves on to the job's next channel when this one cannot deliver.
    private func fallback(for claimed: ClaimedDelivery) -> NewDelivery? {
        guard let next = claimed.job.fallback(after: claimed.channel) else { return nil }
        return NewDelivery(
            job: claimed.job, jobId: claimed.jobId, contactId: claimed.contact.id, channel: next, state: .queued,
            reason: nil, notBefore: now(),
            trace: [
                TraceStep(
                    rule: "fallback", outcome: "queued",
                    detail: "\(claimed.channel.rawValue) could not deliver; falling back to \(next.rawValue)")
            ])
    }

    /// The RFC 8058 `List-Unsubscribe` link of a marketing email. Other channels carry no such header (a
    /// link in their text is `{{unsubscribe_url}}`, rendered with the content), and signing one per message
    /// cost a campaign 7% of its CPU. `signed`: the links the template already signed, whose unsubscribe link
    /// is this one.
    func unsubscribeURL(for claimed: ClaimedDelivery, signed: TemplateLinks?) -> String? {
        guard claimed.job.purpose == .marketing, claimed.channel == .email, !settings.unsubscribeSecret.isEmpty
        else { return nil }
        return signed?.unsubscribeURL
            ?? TemplateLinks.unsubscribeLink(
                baseURL: settings.publicBaseURL, secret: settings.unsubscribeSecret, contactId: claimed.contact.id,
                channel: claimed.channel.rawValue, topic: claimed.job.topic, now: now())
    }
}
