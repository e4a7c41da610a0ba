import Synchronization

/// Something derived from a job (its decoded spec, its compiled templates), by job id. A job never changes
/// after intake, so entries never go stale; the cache is simply bounded, and intake can hand over what it
/// already derived (`remember`) so the first claim does not derive it again.
public final class JobCache<Value: Sendable>: Sendable {
    private let values = Mutex<[Int64: Value]>([:])
    private let limit: Int

    public init(limit: Int) { self.limit = limit }

    public func remember(_ value: Value, jobId: Int64) {
        values.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[jobId] = value
        }
    }

    /// The kept value, or `make`'s, kept for next time.
    public func value(jobId: Int64, make: () throws -> Value) rethrows -> Value {
        if let value = values.withLock({ $0[jobId] }) { return value }
        let value = try make()
        remember(value, jobId: jobId)
        return value
    }
}
