import HeraldCore

/// Chooses channel instances for a send: instances whose route prefix matches the address come first
/// (longest prefix first), then the kind's other instances in configured order as failover.
public struct ChannelRouter: Sendable {
    public struct Route: Sendable {
        public var instance: InstanceGuard
        /// Address prefixes this instance is preferred for, e.g. "+98"; empty = no preference.
        public var prefixes: [String]

        public init(instance: InstanceGuard, prefixes: [String] = []) {
            self.instance = instance
            self.prefixes = prefixes
        }

        var driver: any ChannelDriver { instance.driver }
    }

    private let routesByKind: [ChannelKind: [Route]]

    public init(_ routes: [Route]) {
        routesByKind = Dictionary(grouping: routes, by: { $0.driver.kind })
    }

    public var instances: [InstanceGuard] { routesByKind.values.flatMap { $0.map(\.instance) } }

    public func candidates(for kind: ChannelKind, addresses: [String]) -> [InstanceGuard] {
        let routes = (routesByKind[kind] ?? []).filter { route in
            addresses.contains { route.driver.handles(address: $0) }
        }
        // Without prefixes every score is equal: the configured order stands, and a campaign's messages skip the
        // scoring and sorting.
        guard routes.contains(where: { !$0.prefixes.isEmpty }) else { return routes.map(\.instance) }
        func score(_ route: Route) -> Int {
            let lengths = route.prefixes.filter { prefix in addresses.contains { $0.hasPrefix(prefix) } }.map(\.count)
            return lengths.max() ?? (route.prefixes.isEmpty ? 0 : -1)
        }
        let scored = routes.enumerated().map { (order: $0.offset, score: score($0.element), route: $0.element) }
        return scored.sorted { ($0.score, -$0.order) > ($1.score, -$1.order) }.map(\.route.instance)
    }
}
