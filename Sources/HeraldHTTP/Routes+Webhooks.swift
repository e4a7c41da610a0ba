import Foundation
import HeraldCore
import HeraldEngine
import Hummingbird

extension HeraldAPI {
    /// `GET /v1/webhooks`, `GET /v1/webhooks/{id}/events`, `POST /v1/webhooks/{id}/replay` (SPEC §8).
    func addWebhookRoutes(to router: Router<HeraldRequestContext>) {
        router.get("/v1/webhooks") { _, context in
            try context.require(.ops)
            var summaries: [WebhookSummary] = []
            for endpoint in deps.webhooks?.endpoints ?? [] { summaries.append(try await webhookAPI().summary(endpoint)) }
            return try JSONResponse.make(["webhooks": summaries])
        }

        router.get("/v1/webhooks/:id/events") { request, context in
            try context.require(.ops)
            let api = try webhookAPI()
            let endpoint = try api.endpoint(try context.parameters.require("id"))
            let parameters = request.uri.queryParameters
            let limit = try Self.webhookLimit(parameters["limit"].map(String.init))
            let cursor = parameters["cursor"].map(String.init)
            switch parameters["status"].map(String.init) ?? "pending" {
            case "pending":
                return try JSONResponse.make(try await Self.pendingEvents(api, endpoint, cursor: cursor, limit: limit))
            case let name:
                guard let status = WebhookRetry.Status(rawValue: name) else {
                    throw HeraldError.invalid("status", "must be pending, failed or parked")
                }
                return try JSONResponse.make(
                    try await Self.retryEvents(api, endpoint, status: status, cursor: cursor, limit: limit))
            }
        }

        router.post("/v1/webhooks/:id/replay") { request, context in
            try context.require(.ops)
            let api = try webhookAPI()
            let endpoint = try api.endpoint(try context.parameters.require("id"))
            let body = try await request.decodeJSON(WebhookReplayBody.self, context: context)
            let ids = try await Self.replayIds(api, endpoint, body)
            let queued = try await api.store.replayWebhookEvents(endpoint.id, eventIds: ids, at: deps.now())
            return try JSONResponse.make(["queued": queued], status: .accepted)
        }
    }

    private func webhookAPI() throws -> WebhookAPI {
        guard let api = deps.webhooks else { throw HeraldError.notFound("webhook") }
        return api
    }

    private static func webhookLimit(_ text: String?) throws -> Int {
        guard let text else { return 100 }
        guard let limit = Int(text), (1...1000).contains(limit) else {
            throw HeraldError.invalid("limit", "must be 1…1000")
        }
        return limit
    }

    /// Events after the endpoint's cursor that it will get, at most ten log pages ahead per call.
    private static func pendingEvents(_ api: WebhookAPI, _ endpoint: WebhookEndpoint, cursor: String?, limit: Int)
        async throws -> WebhookEventPage
    {
        var position = try await api.store.webhookProgress(endpoint.id).position
        if let cursor {
            let parts = cursor.split(separator: ":").compactMap { Int64($0) }
            guard parts.count == 2 else { throw HeraldError.invalid("cursor", "is not a cursor this list returned") }
            position = max(position, WebhookLogPosition(xid: parts[0], id: parts[1]))
        }
        var jobs = JobSpecLookup(store: api.store)
        var items: [WebhookEventListItem] = []
        var last = position
        for _ in 0..<10 where items.count < limit {
            let page = try await api.store.webhookEvents(after: last, limit: 1000)
            for event in page where items.count < limit {
                last = event.position
                let job = try await jobs.spec(event.jobId)
                if endpoint.wants(event, job: job) {
                    items.append(WebhookEventListItem(status: "pending", event: WebhookEventBody(event, job: job)))
                }
            }
            if page.count < 1000 { break }
        }
        let next = last == position ? nil : "\(last.xid):\(last.id)"
        return WebhookEventPage(events: items, nextCursor: items.isEmpty && next == nil ? nil : next)
    }

    private static func retryEvents(
        _ api: WebhookAPI, _ endpoint: WebhookEndpoint, status: WebhookRetry.Status, cursor: String?, limit: Int
    ) async throws -> WebhookEventPage {
        var after: Int64 = 0
        if let cursor {
            guard let id = Int64(cursor) else { throw HeraldError.invalid("cursor", "is not a cursor this list returned") }
            after = id
        }
        let retries = try await api.store.webhookRetries(endpoint.id, status: status, afterEventId: after, limit: limit)
        let events = Dictionary(
            uniqueKeysWithValues: try await api.store.webhookEvents(ids: retries.map(\.eventId)).map { ($0.id, $0) })
        var jobs = JobSpecLookup(store: api.store)
        var items: [WebhookEventListItem] = []
        for retry in retries {
            guard let event = events[retry.eventId] else { continue }
            items.append(
                WebhookEventListItem(
                    status: retry.status.rawValue, attempts: retry.attempts, nextAt: retry.status == .failed ? retry.nextAt : nil,
                    lastError: retry.lastError, event: WebhookEventBody(event, job: try await jobs.spec(event.jobId))))
        }
        return WebhookEventPage(
            events: items, nextCursor: retries.count == limit ? retries.last.map { String($0.eventId) } : nil)
    }

    /// `event_ids` (as receivers see them, `evt_…`) or a time range `[from, until)`; at most 100,000 events.
    private static func replayIds(_ api: WebhookAPI, _ endpoint: WebhookEndpoint, _ body: WebhookReplayBody)
        async throws -> [Int64]
    {
        if let names = body.eventIds {
            guard body.from == nil, body.until == nil else {
                throw HeraldError.invalid("event_ids", "give event_ids or from/until, not both")
            }
            guard (1...10_000).contains(names.count) else {
                throw HeraldError.invalid("event_ids", "must list 1…10000 event ids")
            }
            return try names.map { name in
                guard name.hasPrefix("evt_"), let id = Int64(name.dropFirst(4)) else {
                    throw HeraldError.invalid("event_ids", "an event id looks like evt_123")
                }
                return id
            }
        }
        guard let from = body.from, let until = body.until, from < until else {
            throw HeraldError.invalid("from", "give event_ids, or from and until with from before until")
        }
        var jobs = JobSpecLookup(store: api.store)
        var ids: [Int64] = []
        var after: Int64 = 0
        while ids.count < 100_000 {
            let page = try await api.store.webhookEvents(from: from, until: until, afterId: after, limit: 1000)
            for event in page {
                let job = try await jobs.spec(event.jobId)
                if endpoint.wants(event, job: job) { ids.append(event.id) }
            }
            guard let last = page.last, page.count == 1000 else { break }
            after = last.id
        }
        return ids
    }
}
