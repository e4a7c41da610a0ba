import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    func addConsentRoutes(to router: Router<HeraldRequestContext>) {
        router.post("/v1/consents") { request, context in
            try context.require(.enqueue, .compliance)
            let body = try await request.decodeJSON(ConsentBody.self, context: context)
            let input = try body.validated(now: deps.now(), defaultActor: context.role?.rawValue ?? "api")
            let event = try await deps.store.appendConsent(input, at: deps.now())
            return try JSONResponse.make(ConsentCreated(id: event.id, hash: event.hash), status: .created)
        }

        router.get("/v1/contacts/:id/consents") { _, context in
            try context.require(.compliance)
            let id = try context.identifier("id", field: "id")
            try await recordAccess(context, action: "consent_history", query: "contact_id=\(id)")
            let events = try await deps.store.consentEvents(contactId: id)
            return try JSONResponse.make(ConsentHistory(contactId: id, current: ConsentState.current(events), events: events))
        }
    }
}

struct ConsentCreated: Encodable {
    var id: Int64
    var hash: String
}

struct ConsentHistory: Encodable {
    var contactId: String
    var current: [ConsentState]
    var events: [ConsentEvent]
}
