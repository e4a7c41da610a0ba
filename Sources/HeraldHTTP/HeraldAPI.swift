import Hummingbird
import HeraldCore

/// The HTTP API of SPEC §4 as a Hummingbird router.
public struct HeraldAPI: Sendable {
    let deps: APIDependencies

    public init(deps: APIDependencies) { self.deps = deps }

    public func router() -> Router<HeraldRequestContext> {
        let router = Router(context: HeraldRequestContext.self)
        let routes = RouteTable()
        router.add(middleware: UnknownRouteMiddleware(table: routes))
        router.add(middleware: BodyLimitMiddleware())
        if let factory = deps.ops.metricsFactory { router.add(middleware: HTTPMetricsMiddleware(factory: factory)) }
        router.add(middleware: APIKeyMiddleware(store: deps.store, sessionSecret: deps.unsubscribeSecret, now: deps.now))
        addHealthRoutes(to: router)
        addContactRoutes(to: router)
        addContactExportRoutes(to: router)
        addErasureRoutes(to: router)
        addConsentRoutes(to: router)
        addConsentImportRoutes(to: router)
        addAuditRoutes(to: router)
        addCheckpointRoutes(to: router)
        addJobRoutes(to: router)
        addRenderRoutes(to: router)
        addTemplateRoutes(to: router)
        addDeliveryRoutes(to: router)
        addInboundRoutes(to: router)
        addUnsubscribeRoutes(to: router)
        addPreferenceRoutes(to: router)
        addStreamRoutes(to: router)
        addAccessAuditRoutes(to: router)
        addSuppressionRoutes(to: router)
        addWebhookRoutes(to: router)
        addDashboardRoutes(to: router)
        routes.set(router.routes.map { (method: $0.method, path: $0.path.description) })
        return router
    }
}
