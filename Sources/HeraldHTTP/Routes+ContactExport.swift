import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    /// `GET /v1/contacts/{id}/export` (compliance): everything Herald holds about one person as one JSON
    /// document, for an access request. Recorded in the access audit before it is answered.
    func addContactExportRoutes(to router: Router<HeraldRequestContext>) {
        router.get("/v1/contacts/:id/export") { _, context in
            try context.require(.compliance)
            let id = try context.parameters.require("id")
            try await recordAccess(context, action: "contact_export", query: "contact_id=\(id)")
            var export = try await ContactExport.collect(contactId: id, store: deps.store, at: deps.now())
            try await export.attachCheckpoint(from: deps.store, key: deps.checkpointKey)
            guard export.contact != nil || !export.consent.events.isEmpty || !export.deliveries.isEmpty else {
                throw HeraldError.notFound("contact")
            }
            return try JSONResponse.make(export)
        }
    }
}

/// The access-request document: the contact, its consent history with evidence, its deliveries with attempts
/// and decision traces, the suppressions (with their history) of its addresses, and the bounce reports logged
/// for them.
struct ContactExport: Encodable {
    struct Consent: Encodable {
        var current: [ConsentState]
        var events: [ConsentEvent]
    }

    var contactId: String
    var exportedAt: Date
    var contact: Contact?
    var consent: Consent
    var deliveries: [Delivery]
    var suppressions: [Suppression]
    var suppressionChanges: [SuppressionChange]
    var bounces: [BounceReport]
    /// The newest signed head of the whole ledger and the key that checks it: the events above are part of
    /// a chain someone signed, and a later `audit verify` must still reach it.
    var ledgerCheckpoint: LedgerCheckpoint?
    var ledgerPublicKey: String?

    static func collect(contactId: String, store: any Store, at: Date) async throws -> ContactExport {
        let contact = try await store.contact(id: contactId)
        let events = try await store.consentEvents(contactId: contactId)
        var deliveries: [Delivery] = []
        var query = DeliveryQuery(contactId: contactId, limit: 1000)
        while true {
            let page = try await store.deliveries(query)
            deliveries += page
            guard page.count == query.limit, let last = page.last else { break }
            query.afterId = last.id
        }
        var suppressions: [Suppression] = []
        var changes: [SuppressionChange] = []
        var bounces: [BounceReport] = []
        // Either spelling of an internationalized address is the person's (`EmailAddress.otherSpellings`).
        let addresses = EmailAddress.withOtherSpellings(contact?.allAddresses ?? [])
        if let list = store as? any SuppressionStore, !addresses.isEmpty {
            suppressions = try await list.suppressions(addresses: addresses)
            for address in Set(addresses).sorted() { changes += try await list.suppressionChanges(address: address) }
            changes.sort { $0.id < $1.id }
        }
        if let log = store as? any BounceStore, !addresses.isEmpty {
            bounces = try await log.bounceReports(addresses: addresses)
        }
        return ContactExport(
            contactId: contactId, exportedAt: at, contact: contact,
            consent: Consent(current: ConsentState.current(events), events: events), deliveries: deliveries,
            suppressions: suppressions, suppressionChanges: changes, bounces: bounces)
    }
}

extension ContactExport {
    mutating func attachCheckpoint(from store: any Store, key: CheckpointPublicKey?) async throws {
        guard let checkpoints = store as? any CheckpointStore else { return }
        ledgerCheckpoint = try await checkpoints.latestCheckpoint()
        ledgerPublicKey = key?.encoded
    }
}
