import Foundation
import HeraldCore
import HeraldEngine

/// What the webhook routes and the dashboard need: the configured endpoints, the outbox and this node's
/// view of each endpoint's circuit breaker.
public struct WebhookAPI: Sendable {
    public var endpoints: [WebhookEndpoint]
    public var store: any Store & WebhookOutboxStore
    public var health: WebhookHealth

    public init(endpoints: [WebhookEndpoint], store: any Store & WebhookOutboxStore, health: WebhookHealth) {
        self.endpoints = endpoints
        self.store = store
        self.health = health
    }

    func endpoint(_ id: String) throws -> WebhookEndpoint {
        guard let endpoint = endpoints.first(where: { $0.id == id }) else { throw HeraldError.notFound("webhook") }
        return endpoint
    }

    func summary(_ endpoint: WebhookEndpoint) async throws -> WebhookSummary {
        let progress = try await store.webhookProgress(endpoint.id)
        return WebhookSummary(
            id: endpoint.id, url: endpoint.displayURL, events: endpoint.events.map(\.rawValue).sorted(),
            batch: endpoint.batch, breaker: health.breakerState(endpoint.id).rawValue, lag: progress.lag,
            failed: progress.failed, parked: progress.parked, lastError: progress.lastError,
            lastErrorAt: progress.lastErrorAt, lastSuccessAt: progress.lastSuccessAt)
    }

    /// A job may name only a configured endpoint in `callback`.
    static func checkCallback(_ spec: JobSpec, against api: WebhookAPI?) throws {
        try spec.checkCallback(endpointIds: api?.endpoints.map(\.id) ?? [])
    }
}

struct WebhookSummary: Encodable {
    var id: String
    var url: String
    var events: [String]
    var batch: Int
    /// This node's breaker for the endpoint: closed, open or half_open.
    var breaker: String
    /// Events recorded after the endpoint's cursor (not all of them may be for this endpoint).
    var lag: Int
    var failed: Int
    var parked: Int
    var lastError: String?
    var lastErrorAt: Date?
    var lastSuccessAt: Date?
}

struct WebhookEventListItem: Encodable {
    var status: String
    var attempts: Int?
    var nextAt: Date?
    var lastError: String?
    var event: WebhookEventBody
}

struct WebhookEventPage: Encodable {
    var events: [WebhookEventListItem]
    var nextCursor: String?
}

struct WebhookReplayBody: Decodable {
    var eventIds: [String]?
    var from: Date?
    var until: Date?
}
