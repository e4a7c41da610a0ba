import CoreMetrics
import Foundation
import Hummingbird

/// Counts requests by route template (never the raw path, which carries ids), method and status, and times
/// them. Unmatched paths share one label so a scanner cannot blow up the label set.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    static let requests = "herald_http_requests_total"
    static let duration = "herald_http_request_duration_seconds"

    let factory: any MetricsFactory

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status.code, started: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: status, started: started)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, started: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        Counter(
            label: Self.requests, dimensions: [("route", route), ("method", method), ("status", String(status))],
            factory: factory
        ).increment()
        let elapsed = ContinuousClock.now - started
        CoreMetrics.Timer(label: Self.duration, dimensions: [("route", route), ("method", method)], factory: factory)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
