import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    /// `GET /v1/audit/access?cursor=&limit=`: who read compliance data, when, what and with which query.
    func addAccessAuditRoutes(to router: Router<HeraldRequestContext>) {
        router.get("/v1/audit/access") { request, context in
            try context.require(.compliance)
            guard let audit = deps.ops.accessAudit else { throw HeraldError.notFound("access log") }
            let parameters = request.uri.queryParameters
            let afterId = try PageCursor.id(parameters["cursor"]) ?? 0
            var limit = 100
            if let value = parameters["limit"] {
                guard let parsed = Int(value), (1...1000).contains(parsed) else { throw HeraldError.invalid("limit", "must be 1–1000") }
                limit = parsed
            }
            let records = try await audit.accessRecords(afterId: afterId, limit: limit)
            let next = records.count == limit ? records.last.map { String($0.id) } : nil
            return try JSONResponse.make(AccessPage(records: records, nextCursor: next))
        }
    }

    /// Records one compliance read before it is answered; if it cannot be recorded, the read is refused.
    func recordAccess(_ context: HeraldRequestContext, action: String, query: String) async throws {
        guard let audit = deps.ops.accessAudit else { return }
        try await audit.recordAccess(
            AccessRecord(
                at: deps.now(), keyHashPrefix: context.keyHashPrefix ?? "-", role: context.role?.rawValue ?? "-",
                action: action, query: String(query.prefix(500))))
    }
}

struct AccessPage: Encodable {
    var records: [AccessRecord]
    var nextCursor: String?
}
