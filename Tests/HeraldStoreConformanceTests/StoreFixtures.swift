import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

/// A fixed instant: stores keep milliseconds, so whole seconds compare exactly after a round trip.
let t0 = Date(timeIntervalSince1970: 1_700_000_000)

func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

func contact(_ id: String, email: String? = nil, phone: String? = nil, attributes: [String: JSONValue] = [:])
    -> Contact
{
    Contact(id: id, timezone: "UTC", attributes: attributes, email: email, phone: phone)
}

func spec(
    _ key: String, purpose: Purpose = .transactional, ids: [String], channels: [ChannelKind] = [.email],
    strategy: Strategy? = nil, text: String = "hello"
) -> JobSpec {
    JobSpec(
        idempotencyKey: key, purpose: purpose, topic: purpose == .marketing ? "news" : nil,
        audience: Audience(contactIds: ids), channels: channels, strategy: strategy,
        content: Content(email: .init(subject: "s", text: text), sms: .init(text: text)))
}

func created(_ creation: JobCreation) throws -> Job {
    guard case .created(let job) = creation else {
        Issue.record("expected a new job, got \(creation)")
        throw HeraldError(code: "test_unexpected", message: "job not created")
    }
    return job
}

/// Creates a job and fans it out in one finished batch (one queued delivery per contact and channel),
/// using only the `Store` protocol so every backend is seeded the same way.
@discardableResult
func seedJob(
    _ store: any Store, _ spec: JobSpec, notBefore: [String: Date] = [:], now: Date = t0
) async throws -> Job {
    let job = try created(try await store.createJob(spec, bodyHash: "hash-\(spec.idempotencyKey)", at: now))
    let claimed = try #require(try await store.claimFanout(owner: "seeder", now: now, leaseUntil: now + 60))
    #expect(claimed.id == job.id)
    let ids = spec.audience.contactIds ?? []
    let rows = ids.flatMap { id in
        spec.channels.map { channel in
            NewDelivery(
                job: spec, jobId: job.id, contactId: id, channel: channel, state: .queued,
                reason: nil, notBefore: notBefore[id] ?? now, trace: [TraceStep(rule: "seed", outcome: "queued", detail: "test")])
        }
    }
    let written = try await store.writeFanoutBatch(
        FanoutBatch(
            jobId: job.id, owner: "seeder", deliveries: rows, cursor: String(ids.count), audienceAdded: ids.count,
            finished: true, leaseUntil: now + 60, at: now))
    #expect(written)
    return job
}

func claim(
    _ store: any Store, owner: String = "w1", now: Date = t0, lease: TimeInterval = 60, limit: Int = 100,
    policy: any DeliveryPolicy = ScriptedPolicy()
) async throws -> [ClaimedDelivery] {
    try await store.claimDue(
        ClaimRequest(owner: owner, now: now, limit: limit, leaseUntil: now + lease, policy: policy)
    ).claimed
}

func attempt(_ number: Int, _ outcome: AttemptOutcome, instance: String = "mail-a", id: String? = nil, at: Date = t0)
    -> Attempt
{
    Attempt(number: number, at: at, latencyMs: 12, instance: instance, outcome: outcome, providerMessageId: id, error: nil)
}

func allDeliveries(_ store: any Store, jobId: Int64) async throws -> [Delivery] {
    try await store.deliveries(DeliveryQuery(jobId: jobId, limit: 10_000))
}
