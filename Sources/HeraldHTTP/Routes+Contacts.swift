import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    func addContactRoutes(to router: Router<HeraldRequestContext>) {
        router.put("/v1/contacts/:id") { request, context in
            try context.require(.enqueue)
            let id = try context.identifier("id", field: "id")
            let contact = try await request.decodeJSON(ContactBody.self, context: context).contact(id: id)
            try ContactValidation.validate(contact)
            try await deps.store.upsertContacts([contact], at: deps.now())
            return try JSONResponse.make(contact)
        }

        router.post("/v1/contacts/batch") { request, context in
            try context.require(.enqueue)
            let contacts = try ContactBatch.decode(try await request.bodyData(context: context))
            // One transaction per chunk keeps a huge import from holding the writer for long.
            for chunk in stride(from: 0, to: contacts.count, by: 5000) {
                try await deps.store.upsertContacts(
                    Array(contacts[chunk..<min(chunk + 5000, contacts.count)]), at: deps.now())
            }
            return try JSONResponse.make(["upserted": contacts.count])
        }

        router.get("/v1/contacts/:id") { _, context in
            try context.require(.ops, .compliance)
            let id = try context.identifier("id", field: "id")
            guard let contact = try await deps.store.contact(id: id) else { throw HeraldError.notFound("contact") }
            let events = try await deps.store.consentEvents(contactId: id)
            return try JSONResponse.make(ContactView(contact: contact, consent: ConsentState.current(events)))
        }
    }
}

/// A contact body whose `id` may be omitted (the path carries it).
struct ContactBody: Decodable {
    var fields: [String: JSONValue]

    init(from decoder: any Decoder) throws {
        fields = try [String: JSONValue](from: decoder)
    }

    /// `fieldPrefix` names where the contact sits in a larger body (e.g. `contact` in a render request).
    func contact(id: String, fieldPrefix: String = "") throws -> Contact {
        var object = fields
        object["id"] = .string(id)
        let data = try HeraldJSON.encoder().encode(JSONValue.object(object))
        do {
            return try HeraldJSON.decoder().decode(Contact.self, from: data)
        } catch {
            throw DecodingErrors.heraldError(error, prefix: fieldPrefix)
        }
    }
}

struct ContactView: Encodable {
    var contact: Contact
    var consent: [ConsentState]
}
