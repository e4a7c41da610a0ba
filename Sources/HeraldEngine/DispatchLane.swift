/// Which due work a dispatch loop takes.
public enum DispatchLane: Sendable, Equatable {
    /// Any priority, highest first; its claims shrink while OTPs flow (`ExpressTraffic`).
    case general
    /// Only work of at least `floor` (`engine.express_priority`); its claims are urgent and keep their size.
    case express(floor: Int)
}
