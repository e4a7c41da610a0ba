import Foundation
import HeraldCore

/// Sends one claimed delivery through its channel instances and says what should happen next.
/// Failover: an instance that answers "retry" or whose breaker is open hands the message to the next one.
struct Sender: Sendable {
    let router: ChannelRouter
    let settings: EngineSettings
    let now: @Sendable () -> Date
    let jitter: @Sendable () -> Double

    func send(_ claimed: ClaimedDelivery, content: CompiledContent) async -> DeliveryOutcome {
        let addresses = claimed.contact.addresses(on: claimed.channel)
        guard let rendered = content.render(claimed.channel, for: claimed.contact) else {
            return outcome(claimed, attempts: [], next: .failed, trace: "the job has no content for this channel")
        }
        let message = OutboundMessage(
            deliveryId: claimed.deliveryId, jobId: claimed.jobId, contactId: claimed.contact.id,
            channel: claimed.channel, purpose: claimed.job.purpose, topic: claimed.job.topic, addresses: addresses,
            content: rendered, unsubscribeURL: unsubscribeURL(for: claimed),
            idempotencyKey: "herald-\(claimed.deliveryId)-\(claimed.attempt)", attempt: claimed.attempt)
        let segments: Int? = if case .sms(let text) = rendered { SMSLength(measuring: text).segments } else { nil }

        var attempts: [Attempt] = []
        var last: SendResult?
        for instance in router.candidates(for: claimed.channel, addresses: addresses) {
            let started = ContinuousClock.now
            guard let result = await instance.send(message, now: now) else { continue }
            let elapsed = ContinuousClock.now - started
            attempts.append(
                Attempt(
                    number: claimed.attempt, at: now(), latencyMs: Int(elapsed / .milliseconds(1)),
                    instance: instance.driver.id, outcome: result.outcome, providerMessageId: result.providerMessageId,
                    error: result.error))
            last = result
            if result.outcome != .retry { break }
        }
        guard let last else {
            // No instance could take it (none configured, or every breaker open): try again later.
            return retryOrFail(claimed, attempts: attempts, retryAfter: nil, segments: segments, detail: "no channel instance available")
        }
        var result = outcome(claimed, attempts: attempts, next: .sent, trace: nil)
        result.smsSegments = segments
        result.invalidAddresses = last.invalidAddresses
        switch last.outcome {
        case .sent:
            return result
        case .retry:
            return retryOrFail(claimed, attempts: attempts, retryAfter: last.retryAfter, segments: segments, detail: last.error ?? "transient failure")
        case .permanent:
            result.next = .failed
            result.fallback = fallback(for: claimed)
        case .invalidAddress:
            result.next = .suppressed(.invalidAddress)
            result.invalidAddresses = last.invalidAddresses.isEmpty ? addresses : last.invalidAddresses
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

    private func unsubscribeURL(for claimed: ClaimedDelivery) -> String? {
        guard claimed.job.purpose == .marketing, !settings.unsubscribeSecret.isEmpty else { return nil }
        let token = UnsubscribeToken(contactId: claimed.contact.id, channel: claimed.channel.rawValue, topic: claimed.job.topic ?? "*")
        return "\(settings.publicBaseURL)/u/\(token.signed(secret: settings.unsubscribeSecret))"
    }
}
