import Foundation
import HeraldCore

/// The overview's "Webhooks" table: each endpoint's health — breaker, lag, failed and parked events, the
/// last error and the last success.
enum DashboardWebhooks {
    static func section(_ api: WebhookAPI?) async throws -> String? {
        guard let api, !api.endpoints.isEmpty else { return nil }
        var rows = ""
        for endpoint in api.endpoints {
            let summary = try await api.summary(endpoint)
            let healthy = summary.breaker == "closed" && summary.failed == 0 && summary.parked == 0
            rows += """
                <tr class="webhook \(healthy ? "healthy" : "unhealthy")">\(DashboardHTML.cell(summary.id))\
                \(DashboardHTML.cell(summary.url))<td class="breaker">\(summary.breaker)</td><td>\(summary.lag)</td>\
                <td>\(summary.failed)</td><td>\(summary.parked)</td>\(DashboardHTML.cell(summary.lastError ?? "–"))\
                <td>\(summary.lastSuccessAt.map(Timestamp.format) ?? "–")</td></tr>
                """
        }
        return """
            <table class="webhooks"><tr><th>endpoint</th><th>url</th><th>breaker</th><th>lag</th><th>failed</th>\
            <th>parked</th><th>last error</th><th>last success</th></tr>\(rows)</table>
            """
    }
}
