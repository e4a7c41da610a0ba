import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    /// `GET /v1/audit/checkpoints` (compliance): the signed heads of the consent chain, oldest first, with
    /// the public key that checks them, so a witness can copy and check them without access to Herald.
    func addCheckpointRoutes(to router: Router<HeraldRequestContext>) {
        router.get("/v1/audit/checkpoints") { request, context in
            try context.require(.compliance)
            let store = try checkpointStore()
            let (afterId, limit) = try CheckpointListQuery.parse(request)
            let page = try await store.checkpoints(afterId: afterId, limit: limit)
            let next = page.count == limit ? page.last.map { String($0.id) } : nil
            return try JSONResponse.make(
                CheckpointPage(
                    publicKey: deps.checkpointKey?.encoded, keyId: deps.checkpointKey?.id, checkpoints: page,
                    nextCursor: next))
        }
    }

    func checkpointStore() throws -> any CheckpointStore {
        guard let store = deps.store as? any CheckpointStore else {
            throw HeraldError(code: "not_supported", message: "this store keeps no ledger checkpoints", statusCode: 501)
        }
        return store
    }

    /// The store's own checkpoints checked against the daemon's key: what `/v1/audit/verify` reports.
    func verifyLedger() async throws -> LedgerVerification {
        guard let store = deps.store as? any CheckpointStore else { return try await LedgerAudit.verify(deps.store) }
        let checkpoints = try await LedgerAudit.storedCheckpoints(store)
        return try await LedgerAudit.verify(
            deps.store, stored: checkpoints, trusted: deps.checkpointKey.map { [$0] } ?? [])
    }
}

enum CheckpointListQuery {
    static func parse(_ request: Request) throws(HeraldError) -> (afterId: Int64, limit: Int) {
        let parameters = request.uri.queryParameters
        var afterId: Int64 = 0
        var limit = 100
        if let cursor = parameters["cursor"], !cursor.isEmpty {
            guard let id = Int64(cursor), id >= 0 else { throw .invalid("cursor", "is not a cursor this API returned") }
            afterId = id
        }
        if let value = parameters["limit"] {
            guard let parsed = Int(value), (1...1000).contains(parsed) else { throw .invalid("limit", "must be 1–1000") }
            limit = parsed
        }
        return (afterId, limit)
    }
}

struct CheckpointPage: Encodable {
    /// Base64 Ed25519 public key of the daemon's signing key; nil when it signs none.
    var publicKey: String?
    var keyId: String?
    var checkpoints: [LedgerCheckpoint]
    var nextCursor: String?
}
