import Foundation
import HeraldCore
import Logging
import ServiceLifecycle
import Synchronization

/// Sends one endpoint's events: what is due for retry first, then the log after its cursor, `batch` events
/// per POST. Only the node holding the endpoint's lease sends; the cursor moves only after a 2xx (or with
/// the batch recorded as failed), so a crash at any moment loses nothing and repeats at most one POST.
struct WebhookWorker: Sendable {
    var endpoint: WebhookEndpoint
    var store: any Store & WebhookOutboxStore
    var transport: any WebhookTransport
    var owner: String
    var health: WebhookHealth
    var metrics: WebhookMetrics
    var logger: Logger
    var pollInterval: Duration
    var now: @Sendable () -> Date
    var jitter: @Sendable () -> Double
    /// Longer than any POST may take, so the lease never runs out under a live sender.
    var leaseDuration: TimeInterval { max(30, endpoint.timeout * 3) }

    private enum Result {
        case delivered
        case failed(error: String, retryAfter: TimeInterval?)
    }

    /// The breaker and the job specs seen, kept between steps.
    let memory: WebhookWorkerMemory

    func run() async {
        var reportedAt = Date.distantPast
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var busy = false
            do {
                busy = try await stepOnce()
                if now().timeIntervalSince(reportedAt) >= 5 {
                    reportedAt = now()
                    let progress = try await store.webhookProgress(endpoint.id)
                    metrics.progress(endpoint: endpoint.id, lag: progress.lag, parked: progress.parked)
                }
            } catch {
                logger.warning(
                    "webhook dispatch step failed", metadata: ["webhook.id": "\(endpoint.id)", "error": "\(error)"])
            }
            if !busy { try? await Task.sleep(for: pollInterval) }
        }
    }

    /// One POST at most; true when there may be more to send right away.
    func stepOnce() async throws -> Bool {
        var breaker = memory.breaker.withLock { $0 }
        var jobs = memory.jobs.withLock { $0 }
        defer {
            memory.breaker.withLock { [breaker] in $0 = breaker }
            memory.jobs.withLock { [jobs] in $0 = jobs }
            health.record(endpoint.id, breaker.state)
        }
        return try await step(&breaker, &jobs)
    }

    private func step(_ breaker: inout CircuitBreaker, _ jobs: inout JobSpecLookup) async throws -> Bool {
        let start = now()
        guard breaker.allows(now: start) else { return false }
        guard let position = try await holdLease(now: start) else { return false }
        let due = try await store.dueWebhookRetries(endpoint.id, now: start, limit: endpoint.batch)
        if !due.isEmpty { return try await resend(due, &breaker, &jobs) }
        return try await sendNext(after: position, &breaker, &jobs)
    }

    /// The cursor, renewing the lease in the store only once half of it has run: a write per POST saved.
    private func holdLease(now: Date) async throws -> WebhookLogPosition? {
        if let held = memory.lease.withLock({ $0 }), held.until.timeIntervalSince(now) > leaseDuration / 2 {
            return held.position
        }
        let until = now.addingTimeInterval(leaseDuration)
        let position = try await store.leaseWebhookEndpoint(endpoint.id, owner: owner, now: now, leaseUntil: until)
        memory.lease.withLock { $0 = position.map { HeldLease(until: until, position: $0) } }
        return position
    }

    /// Moves the cursor in the store and in memory; a lost lease is forgotten.
    private func advance(to end: WebhookLogPosition, failed: [WebhookRetry], error: String?, at: Date) async throws
        -> Bool
    {
        let moved = try await store.advanceWebhookCursor(
            endpoint.id, owner: owner, to: end, failed: failed, error: error, at: at)
        memory.lease.withLock { held in
            if moved { held?.position = end } else { held = nil }
        }
        return moved
    }

    private func sendNext(
        after position: WebhookLogPosition, _ breaker: inout CircuitBreaker, _ jobs: inout JobSpecLookup
    ) async throws -> Bool {
        // Pages of `batch`: an endpoint that wants every event reads exactly what it sends; a filtered one
        // reads on (up to four pages) to fill its batch.
        var end = position
        var chosen: [WebhookEventBody] = []
        var chosenIds: [Int64] = []
        pages: for _ in 0..<4 {
            let page = try await store.webhookEvents(after: end, limit: endpoint.batch)
            for event in page {
                end = event.position
                let job = try await jobs.spec(event.jobId)
                guard endpoint.wants(event, job: job) else { continue }
                chosen.append(WebhookEventBody(event, job: job))
                chosenIds.append(event.id)
                if chosen.count == endpoint.batch { break pages }
            }
            if page.count < endpoint.batch { break }
        }
        guard end != position else { return false }
        guard !chosen.isEmpty else { return try await advance(to: end, failed: [], error: nil, at: now()) }
        switch await post(chosen, &breaker) {
        case .delivered:
            return try await advance(to: end, failed: [], error: nil, at: now())
        case .failed(let error, let retryAfter):
            let at = now()
            let policy = WebhookRetryPolicy(endpoint)
            let failed = chosenIds.map {
                policy.next(after: nil, eventId: $0, now: at, error: error, retryAfter: retryAfter, jitter: jitter())
            }
            _ = try await advance(to: end, failed: failed, error: error, at: at)
            return false
        }
    }

    private func resend(_ due: [WebhookRetry], _ breaker: inout CircuitBreaker, _ jobs: inout JobSpecLookup)
        async throws -> Bool
    {
        let events = try await store.webhookEvents(ids: due.map(\.eventId))
        let present = Set(events.map(\.id))
        // An event pruned from the log has nothing left to send.
        let gone = due.map(\.eventId).filter { !present.contains($0) }
        var bodies: [WebhookEventBody] = []
        for event in events { bodies.append(WebhookEventBody(event, job: try await jobs.spec(event.jobId))) }
        var result = Result.delivered
        if !bodies.isEmpty { result = await post(bodies, &breaker) }
        switch result {
        case .delivered:
            return try await settle(delivered: due.map(\.eventId), retried: [], error: nil, at: now())
        case .failed(let error, let retryAfter):
            let at = now()
            let policy = WebhookRetryPolicy(endpoint)
            let retried = due.filter { present.contains($0.eventId) }.map {
                policy.next(after: $0, eventId: $0.eventId, now: at, error: error, retryAfter: retryAfter, jitter: jitter())
            }
            for parked in retried where parked.status == .parked {
                logger.warning(
                    "webhook event parked after the retry horizon",
                    metadata: ["webhook.id": "\(endpoint.id)", "event.id": "\(parked.eventId)"])
            }
            _ = try await settle(delivered: gone, retried: retried, error: error, at: at)
            return false
        }
    }

    private func settle(delivered: [Int64], retried: [WebhookRetry], error: String?, at: Date) async throws -> Bool {
        let held = try await store.settleWebhookRetries(
            endpoint.id, owner: owner, delivered: delivered, retried: retried, error: error, at: at)
        if !held { memory.lease.withLock { $0 = nil } }
        return held
    }

    private func post(_ events: [WebhookEventBody], _ breaker: inout CircuitBreaker) async -> Result {
        let result: Result
        do {
            let (messageId, body) = WebhookEnvelope.encode(endpoint: endpoint.id, events: events)
            var headers = endpoint.signer.headers(messageId: messageId, timestamp: now(), body: body)
            headers += [("content-type", "application/json"), ("user-agent", "herald-webhooks")]
            let response = try await transport.post(
                url: endpoint.url, headers: headers, body: body, timeout: endpoint.timeout)
            result =
                response.succeeded
                ? .delivered
                : .failed(
                    error: "HTTP \(response.status)",
                    retryAfter: WebhookRetryPolicy.retryAfter(response.retryAfter, now: now()))
        } catch {
            result = .failed(error: "no answer (\(type(of: error)))", retryAfter: nil)
        }
        switch result {
        case .delivered:
            breaker.recordSuccess()
            metrics.attempt(endpoint: endpoint.id, outcome: "delivered", events: events.count)
        case .failed(let error, _):
            breaker.recordFailure(now: now())
            metrics.attempt(endpoint: endpoint.id, outcome: "failed", events: events.count)
            logger.info("webhook POST failed", metadata: ["webhook.id": "\(endpoint.id)", "error": "\(error)"])
        }
        return result
    }
}

struct HeldLease: Sendable {
    var until: Date
    var position: WebhookLogPosition
}

final class WebhookWorkerMemory: Sendable {
    let breaker: Mutex<CircuitBreaker>
    let jobs: Mutex<JobSpecLookup>
    let lease = Mutex<HeldLease?>(nil)

    init(breaker: CircuitBreaker, store: any Store) {
        self.breaker = Mutex(breaker)
        self.jobs = Mutex(JobSpecLookup(store: store))
    }
}
