import Foundation
import HeraldCore

/// Sends one claimed delivery through its channel instances and says what should happen next.
/// Failover: an instance that answers "retry" or whose breaker is open hands the message to the next one.
struct Sender: Sendable {
    let router: ChannelRouter
    let settings: EngineSettings
    let now: @Sendable () -> Date
    let jitter: @Sendable () -> Double

    /// Sends a claimed batch: each instance gets its share in one call; messages an instance could not
    /// take (breaker open) or answered "retry" move on to their next candidate instance, in rounds.
    /// Outcomes come back in the order of `batch`.
    func send(_ batch: [(claimed: ClaimedDelivery, content: CompiledContent)]) async -> [DeliveryOutcome] {
        var sends: [PendingSend] = []
        var outcomes = [DeliveryOutcome?](repeating: nil, count: batch.count)
        for (index, (claimed, content)) in batch.enumerated() {
            guard let rendered = content.render(claimed.channel, for: claimed.contact) else {
                outcomes[index] = outcome(claimed, attempts: [], next: .failed, trace: "the job has no content for this channel")
                continue
            }
            sends.append(PendingSend(index: index, claimed: claimed, rendered: rendered, router: router, sender: self))
        }
        var round = sends.indices.filter { !sends[$0].candidates.isEmpty }
        while !round.isEmpty {
            round = await sendRound(round, in: &sends)
        }
        for send in sends { outcomes[send.index] = finish(send) }
        return outcomes.map { $0! }
    }

    /// Hands each pending send to its current candidate, one batch per instance, all instances at once;
    /// returns the sends that go on to another instance.
    private func sendRound(_ round: [Int], in sends: inout [PendingSend]) async -> [Int] {
        var byInstance: [ObjectIdentifier: (instance: InstanceGuard, members: [Int])] = [:]
        for member in round {
            let instance = sends[member].candidates[sends[member].next]
            byInstance[ObjectIdentifier(instance), default: (instance, [])].members.append(member)
        }
        let groups = Array(byInstance.values)
        let messages = groups.map { group in group.members.map { sends[$0].message } }
        let results = await withTaskGroup(of: (Int, [SendResult?]).self) { tasks in
            for (position, group) in groups.enumerated() {
                let batch = messages[position]
                tasks.addTask { (position, await group.instance.send(batch: batch, now: now)) }
            }
            var results = [[SendResult?]](repeating: [], count: groups.count)
            for await (position, sent) in tasks { results[position] = sent }
            return results
        }
        var next: [Int] = []
        for (position, group) in groups.enumerated() {
            for (member, result) in zip(group.members, results[position]) {
                sends[member].next += 1
                if let result {
                    sends[member].attempts.append(
                        Attempt(
                            number: sends[member].claimed.attempt, at: now(),
                            latencyMs: Int((result.latency ?? .zero) / .milliseconds(1)),
                            instance: group.instance.driver.id, outcome: result.outcome,
                            providerMessageId: result.providerMessageId, error: result.error))
                    sends[member].last = result
                    if result.outcome != .retry { continue }
                }
                if sends[member].next < sends[member].candidates.count { next.append(member) }
            }
        }
        return next
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
            trace: trace.map { [TraceStep(rule: "send", outcome: "\(next)", detail: $0, at: now())] } ?? [])
    }

    /// `strategy: first` moves on to the job's next channel when this one cannot deliver.
    private func fallback(for claimed: ClaimedDelivery) -> NewDelivery? {
        guard let next = claimed.job.fallback(after: claimed.channel) else { return nil }
        return NewDelivery(
            jobId: claimed.jobId, contactId: claimed.contact.id, channel: next, lane: claimed.job.lane, state: .queued,
            reason: nil, notBefore: now(),
            trace: [
                TraceStep(
                    rule: "fallback", outcome: "queued",
                    detail: "\(claimed.channel.rawValue) could not deliver; falling back to \(next.rawValue)")
            ])
    }

    func unsubscribeURL(for claimed: ClaimedDelivery) -> String? {
        guard claimed.job.purpose == .marketing, !settings.unsubscribeSecret.isEmpty else { return nil }
        let token = UnsubscribeToken(contactId: claimed.contact.id, channel: claimed.channel.rawValue, topic: claimed.job.topic ?? "*")
        return "\(settings.publicBaseURL)/u/\(token.signed(secret: settings.unsubscribeSecret))"
    }
}
