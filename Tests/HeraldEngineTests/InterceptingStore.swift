import Foundation
import HeraldCore
import Synchronization

/// Forwards to a real store and lets a test watch fan-out batches or act between them
/// (e.g. cancel the job right after the first batch lands).
final class InterceptingStore: Store {
    let base: any Store
    private let results = Mutex<[Bool]>([])
    private let requests = Mutex<[ClaimRequest]>([])
    private let afterBatch: @Sendable (FanoutBatch, any Store) async throws -> Void
    private let afterClaim: @Sendable (ClaimDecisions, any Store) async throws -> Void
    private let beforeLateChanges: @Sendable () async -> Void

    init(
        _ base: any Store, afterBatch: @escaping @Sendable (FanoutBatch, any Store) async throws -> Void = { _, _ in },
        afterClaim: @escaping @Sendable (ClaimDecisions, any Store) async throws -> Void = { _, _ in },
        beforeLateChanges: @escaping @Sendable () async -> Void = {}
    ) {
        self.base = base
        self.afterBatch = afterBatch
        self.afterClaim = afterClaim
        self.beforeLateChanges = beforeLateChanges
    }

    /// What each `writeFanoutBatch` call returned, in order.
    var batchResults: [Bool] { results.withLock { $0 } }
    /// Every `claimDue` request, in order.
    var claimRequests: [ClaimRequest] { requests.withLock { $0 } }

    func writeFanoutBatch(_ batch: FanoutBatch) async throws -> Bool {
        let written = try await base.writeFanoutBatch(batch)
        results.withLock { $0.append(written) }
        if written { try await afterBatch(batch, base) }
        return written
    }

    func contactDeletions() async throws -> Int64? { try await base.contactDeletions() }
    func migrate() async throws { try await base.migrate() }
    func close() async throws { try await base.close() }
    func insertAPIKey(hash: String, role: Role, label: String?, at: Date) async throws {
        try await base.insertAPIKey(hash: hash, role: role, label: label, at: at)
    }
    func role(forKeyHash hash: String) async throws -> Role? { try await base.role(forKeyHash: hash) }
    func apiKeyCount() async throws -> Int { try await base.apiKeyCount() }
    func upsertContacts(_ contacts: [Contact], at: Date) async throws { try await base.upsertContacts(contacts, at: at) }
    func contact(id: String) async throws -> Contact? { try await base.contact(id: id) }
    func contacts(ids: [String]) async throws -> [Contact] { try await base.contacts(ids: ids) }
    func contacts(phone: String) async throws -> [Contact] { try await base.contacts(phone: phone) }
    func contactsPage(after afterId: String?, limit: Int) async throws -> [Contact] {
        try await base.contactsPage(after: afterId, limit: limit)
    }
    func createJob(_ spec: JobSpec, json: String, bodyHash: String, at: Date, inline: InlineFanout?) async throws
        -> JobCreation
    {
        try await base.createJob(spec, json: json, bodyHash: bodyHash, at: at, inline: inline)
    }
    func job(id: Int64) async throws -> Job? { try await base.job(id: id) }
    func progress(jobId: Int64) async throws -> JobProgress { try await base.progress(jobId: jobId) }
    func cancelJob(id: Int64, at: Date) async throws -> Job? { try await base.cancelJob(id: id, at: at) }
    func claimFanout(owner: String, now: Date, leaseUntil: Date) async throws -> Job? {
        try await base.claimFanout(owner: owner, now: now, leaseUntil: leaseUntil)
    }
    func policyFacts(for contacts: [Contact], since: Date) async throws -> [String: ContactPolicyFacts] {
        try await base.policyFacts(for: contacts, since: since)
    }
    func claimDue(_ request: ClaimRequest) async throws -> ClaimDecisions {
        requests.withLock { $0.append(request) }
        let decisions = try await base.claimDue(request)
        try await afterClaim(decisions, base)
        return decisions
    }
    func recordOutcomes(_ outcomes: [DeliveryOutcome], at: Date) async throws {
        try await base.recordOutcomes(outcomes, at: at)
    }
    func deliveries(_ query: DeliveryQuery) async throws -> [Delivery] { try await base.deliveries(query) }
    func applyReceipt(instance: String, providerMessageId: String, state: DeliveryState, at: Date) async throws -> Bool {
        try await base.applyReceipt(instance: instance, providerMessageId: providerMessageId, state: state, at: at)
    }
    func appendConsent(_ input: ConsentInput, at: Date) async throws -> ConsentEvent {
        try await base.appendConsent(input, at: at)
    }
    func consentEvents(contactId: String) async throws -> [ConsentEvent] { try await base.consentEvents(contactId: contactId) }
    func consentEvents(_ query: ConsentExportQuery) async throws -> [ConsentEvent] { try await base.consentEvents(query) }
    func lateChanges(
        afterEvent eventId: Int64, stopsSince: Int64?, jobIds: [Int64], contactIds: [String], addresses: [String]
    ) async throws -> LateChanges {
        await beforeLateChanges()
        return try await base.lateChanges(
            afterEvent: eventId, stopsSince: stopsSince, jobIds: jobIds, contactIds: contactIds, addresses: addresses)
    }
    func releaseLeases(owner: String, at: Date) async throws { try await base.releaseLeases(owner: owner, at: at) }
    func suppress(addresses: [String], reason: String, at: Date) async throws {
        try await base.suppress(addresses: addresses, reason: reason, at: at)
    }
}

extension InterceptingStore: ConsentImportStore {
    private var ledger: any ConsentImportStore { base as! any ConsentImportStore }

    func importConsents(_ inputs: [ConsentInput], at: Date, progress: (@Sendable (Int) -> Void)?) async throws
        -> ConsentImportResult
    {
        try await ledger.importConsents(inputs, at: at, progress: progress)
    }

    func recordDeliveryRevocations(_ revocations: [DeliveryRevocation], at: Date) async throws -> [ConsentEvent] {
        try await ledger.recordDeliveryRevocations(revocations, at: at)
    }
}
