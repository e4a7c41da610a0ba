import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    /// `GET|POST /v1/suppressions`, `DELETE /v1/suppressions/{address}`: the address-level block list the
    /// policy's address check reads, each change recorded with who made it and why.
    func addSuppressionRoutes(to router: Router<HeraldRequestContext>) {
        router.get("/v1/suppressions") { request, context in
            try context.require(.ops, .compliance)
            let store = try suppressionStore()
            let query = try SuppressionListQuery.parse(request)
            let page = try await store.suppressions(query)
            let next = page.count == query.limit ? page.last.map { SuppressionQuery.cursor(after: $0.address) } : nil
            return try JSONResponse.make(SuppressionPage(suppressions: page, nextCursor: next))
        }

        router.post("/v1/suppressions") { request, context in
            try context.require(.ops, .compliance)
            let store = try suppressionStore()
            let entry = try await request.decodeJSON(SuppressionBody.self, context: context).validated()
            let added = try await store.addSuppressions([entry], actor: context.actor, at: deps.now())
            let stored = try await store.suppressions(addresses: [entry.address]).first
            return try JSONResponse.make(stored, status: added.first == true ? .created : .ok)
        }

        router.delete("/v1/suppressions/:address") { request, context in
            try context.require(.ops, .compliance)
            let store = try suppressionStore()
            let raw = try context.parameters.require("address")
            // Path parameters arrive as sent: `a%40example.com`, `%2B989121234567`.
            guard let decoded = raw.removingPercentEncoding else {
                throw HeraldError.invalid("address", "is not percent-encoded correctly")
            }
            let address = try SuppressionAddress.normalize(decoded)
            let note = request.uri.queryParameters["note"].map(String.init)
            try SuppressionBody.validateNote(note)
            guard try await store.removeSuppression(address: address, note: note, actor: context.actor, at: deps.now())
            else { throw HeraldError.notFound("suppression") }
            return Response(status: .noContent)
        }
    }

    func suppressionStore() throws -> any SuppressionStore {
        guard let store = deps.store as? any SuppressionStore else {
            throw HeraldError(code: "not_supported", message: "this store keeps no suppression list", statusCode: 501)
        }
        return store
    }
}

extension HeraldRequestContext {
    /// Who made a change, for histories: the key's hash prefix and role, never the key.
    var actor: String { "api:\(keyHashPrefix ?? "-")/\(role?.rawValue ?? "-")" }
}

enum SuppressionListQuery {
    static func parse(_ request: Request) throws(HeraldError) -> SuppressionQuery {
        let parameters = request.uri.queryParameters
        var query = SuppressionQuery()
        if let address = parameters["address"] { query.address = try SuppressionAddress.normalize(String(address)) }
        if let reason = parameters["reason"] {
            try SuppressionAddress.validateReason(String(reason))
            query.reason = String(reason)
        }
        if let after = try PageCursor.key(parameters["cursor"]) { query.afterAddress = after }
        if let value = parameters["limit"] {
            guard let limit = Int(value), (1...1000).contains(limit) else { throw .invalid("limit", "must be 1–1000") }
            query.limit = limit
        }
        return query
    }
}

struct SuppressionBody: Decodable {
    var address: String
    var reason: String
    var note: String?

    func validated() throws(HeraldError) -> SuppressionEntry {
        try SuppressionAddress.validateReason(reason)
        try Self.validateNote(note)
        return SuppressionEntry(address: try SuppressionAddress.normalize(address), reason: reason, note: note)
    }

    /// A note is kept in the change history: bounded, and no control characters a store could cut at.
    static func validateNote(_ note: String?) throws(HeraldError) {
        guard let note else { return }
        guard note.count <= 500 else { throw .invalid("note", "must be at most 500 characters") }
        try Identifier.validateText(note, field: "note")
    }
}

struct SuppressionPage: Encodable {
    var suppressions: [Suppression]
    var nextCursor: String?
}
