import Synchronization

/// Set once by one task, read by another: "has it happened yet?"
public final class Flag: Sendable {
    private let value = Mutex(false)

    public init() {}

    public func raise() { value.withLock { $0 = true } }

    public var isRaised: Bool { value.withLock { $0 } }
}
