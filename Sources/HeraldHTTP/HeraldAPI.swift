import Hummingbird
import HeraldCore

/// The HTTP API of SPEC §4 as a Hummingbird router.
public struct HeraldAPI: Sendable {
    let deps: APIDependencies

    public init(deps: APIDependencies) { self.deps = deps }

    public func router() -> Router<HeraldRequestContext> {
        let router = Router(context: HeraldRequestContext.self)
        router.add(middleware: APIKeyMiddleware(store: deps.store))
        addHealthRoutes(to: router)
        addContactRoutes(to: router)
        addConsentRoutes(to: router)
        addAuditRoutes(to: router)
        addJobRoutes(to: router)
        addDeliveryRoutes(to: router)
        addInboundRoutes(to: router)
        addUnsubscribeRoutes(to: router)
        return router
    }
}
