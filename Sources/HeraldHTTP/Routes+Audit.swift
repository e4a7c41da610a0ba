import Foundation
import Hummingbird
import HeraldCore
import NIOCore

extension HeraldAPI {
    func addAuditRoutes(to router: Router<HeraldRequestContext>) {
        router.get("/v1/audit/consents") { request, context in
            try context.require(.compliance)
            let parameters = request.uri.queryParameters
            let format = parameters["format"].map(String.init) ?? "ndjson"
            guard let export = ConsentExport.Format(rawValue: format) else {
                throw HeraldError.invalid("format", "must be ndjson or csv")
            }
            var query = ConsentExportQuery(limit: 1000)
            if let since = parameters["since"] {
                guard let date = Timestamp.parse(String(since)) else { throw HeraldError.invalid("since", "must be an RFC 3339 timestamp") }
                query.since = date
            }
            if let until = parameters["until"] {
                guard let date = Timestamp.parse(String(until)) else { throw HeraldError.invalid("until", "must be an RFC 3339 timestamp") }
                query.until = date
            }
            try await recordAccess(context, action: "consent_export", query: request.uri.query ?? "")
            let store = deps.store
            let startQuery = query
            // Streamed page by page: the export never holds the whole ledger in memory.
            let body = ResponseBody { writer in
                var query = startQuery
                if export == .csv { try await writer.write(ByteBuffer(string: ConsentExport.csvHeader)) }
                while true {
                    let events = try await store.consentEvents(query)
                    guard !events.isEmpty else { break }
                    var buffer = ByteBuffer()
                    for event in events { buffer.writeString(try ConsentExport.line(event, format: export)) }
                    try await writer.write(buffer)
                    query.afterId = events.last!.id
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: export.contentType], body: body)
        }

        router.get("/v1/audit/verify") { _, context in
            try context.require(.compliance)
            try await recordAccess(context, action: "chain_verify", query: "")
            return try JSONResponse.make(VerifyReport(try await verifyLedger()))
        }
    }
}

struct VerifyReport: Encodable {
    var ok: Bool
    var events: Int
    var headHash: String?
    var brokenEventId: Int64?
    var brokenIndex: Int?
    var problem: String?
    /// Stored checkpoints the chain reaches with the head they signed.
    var checkpointsMet: Int
    /// Each checkpoint the chain fails: a cut tail, a rewrite after it, a bad signature.
    var checkpointProblems: [String]
    /// Why some stored checkpoints were not checked (signed by another node's key), if any were.
    var checkpointNote: String?

    init(_ verification: LedgerVerification) {
        checkpointsMet = verification.checkpointsMet
        checkpointProblems = verification.checkpointProblems
        checkpointNote = verification.skippedNote
        switch verification.chain {
        case .ok(let events, let head):
            ok = verification.ok
            self.events = events
            headHash = head
            problem = verification.checkpointProblems.first
        case .broken(let id, let index, let problem):
            ok = false
            events = index
            brokenEventId = id
            brokenIndex = index
            self.problem = problem
        }
    }
}
