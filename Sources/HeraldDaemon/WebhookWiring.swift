import CoreMetrics
import Foundation
import HeraldCore
import HeraldEngine
import HeraldHTTP
import Logging

/// Status webhooks from config to running service: the store records the subscribed event types (and
/// nothing when no endpoint is configured, which also removes what an earlier configuration installed).
enum WebhookWiring {
    struct Wired {
        var api: WebhookAPI?
        var service: WebhookService?
    }

    static func wire(
        loaded: LoadedConfig, store: any Store, owner: String, metricsFactory: any MetricsFactory, logger: Logger
    ) async throws -> Wired {
        let endpoints = try loaded.webhookEndpoints()
        guard let outbox = store as? any Store & WebhookOutboxStore else {
            guard endpoints.isEmpty else {
                throw HeraldError(
                    code: "config_invalid", message: "this storage backend cannot send webhooks", field: "webhooks")
            }
            return Wired()
        }
        try await outbox.installWebhookEvents(
            WebhookService.subscribedTypes(endpoints), endpoints: endpoints.map(\.id))
        guard !endpoints.isEmpty else { return Wired() }
        let health = WebhookHealth()
        let service = WebhookService(
            endpoints: endpoints, store: outbox, transport: WebhookHTTPTransport(), owner: owner, health: health,
            metrics: WebhookMetrics(factory: metricsFactory), logger: logger)
        logger.notice(
            "status webhooks configured", metadata: ["webhook.ids": .array(endpoints.map { .string($0.id) })])
        return Wired(api: WebhookAPI(endpoints: endpoints, store: outbox, health: health), service: service)
    }
}
