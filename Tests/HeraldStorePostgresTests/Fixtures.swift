import Foundation
import HeraldCore
import HeraldStorePostgres

let t0 = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

/// A policy small enough to read in a test: a cap of `capPerWindow` sends per contact per window on any
/// channel, a contact id listed in `deferred` is deferred an hour, one in `blocked` is suppressed.
struct TestPolicy: DeliveryPolicy {
    var capPerWindow = Int.max
    var window: TimeInterval = 24 * 3600
    var deferred: Set<String> = []
    var blocked: Set<String> = []

    var capLookback: TimeInterval { window }

    func decide(_ input: PolicyInput) -> PolicyDecision {
        if blocked.contains(input.contact.id) {
            return PolicyDecision(.suppress(.optedOut), trace: [TraceStep(rule: "test", outcome: "blocked", detail: "")])
        }
        if deferred.contains(input.contact.id) {
            return PolicyDecision(
                .deferUntil(input.now.addingTimeInterval(3600)), trace: [TraceStep(rule: "test", outcome: "deferred", detail: "")])
        }
        let recent = input.facts.recentSends.filter { $0.at > input.now.addingTimeInterval(-window) }.count
        if recent >= capPerWindow {
            return PolicyDecision(.suppress(.capped), trace: [TraceStep(rule: "cap", outcome: "capped", detail: "\(recent)")])
        }
        return PolicyDecision(.send, trace: [TraceStep(rule: "test", outcome: "send", detail: "")])
    }
}

func contact(_ id: String) -> Contact {
    Contact(id: id, timezone: "UTC", email: "\(id)@example.com", phone: "+4915112345\(id.count)")
}

func jobSpec(_ key: String, purpose: Purpose = .marketing, contactIds: [String] = []) -> JobSpec {
    JobSpec(
        idempotencyKey: key, purpose: purpose, audience: Audience(contactIds: contactIds), channels: [.email],
        content: Content(email: .init(subject: "Hi", text: "Hello")))
}

func claim(
    _ store: PostgresStore, owner: String = "node-a", now: Date = t0, limit: Int = 100,
    policy: any DeliveryPolicy = TestPolicy()
) async throws -> [ClaimedDelivery] {
    try await store.claimDue(
        ClaimRequest(owner: owner, now: now, limit: limit, leaseUntil: now.addingTimeInterval(60), policy: policy)
    ).claimed
}

/// A job with one queued email delivery per contact (contacts upserted too), written through fan-out.
@discardableResult
func seedJob(
    _ store: PostgresStore, key: String, contactIds: [String], purpose: Purpose = .marketing, notBefore: Date = t0
) async throws -> Job {
    try await store.upsertContacts(contactIds.map(contact), at: t0)
    guard case .created(let job) = try await store.createJob(jobSpec(key, purpose: purpose), bodyHash: key, at: t0)
    else { throw TestFailure("job \(key) already existed") }
    guard let leased = try await store.claimFanout(owner: "seed", now: t0, leaseUntil: t0.addingTimeInterval(60)),
        leased.id == job.id
    else { throw TestFailure("fan-out lease for \(key) not granted") }
    let deliveries = contactIds.map {
        NewDelivery(
            job: job.spec, jobId: job.id, contactId: $0, channel: .email, state: .queued, reason: nil,
            notBefore: notBefore, trace: [TraceStep(rule: "fanout", outcome: "queued", detail: "")])
    }
    let written = try await store.writeFanoutBatch(
        FanoutBatch(
            jobId: job.id, owner: "seed", deliveries: deliveries, cursor: "\(contactIds.count)",
            audienceAdded: contactIds.count, finished: true, leaseUntil: t0.addingTimeInterval(60), at: t0))
    guard written else { throw TestFailure("fan-out batch for \(key) refused") }
    return job
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
