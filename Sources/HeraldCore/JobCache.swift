import Synchronization

/// Something derived from a job (its decoded spec, its compiled templates), by job id. A job never changes
/// after intake, so entries never go stale; the cache is simply bounded, and intake can hand over what it
/// already derived (`remember`) so the first claim does not derive it again.
///
/// Bounded in two generations: when the newer one is full it becomes the older, and the older is dropped. A
/// job remembered at intake is therefore still there for its claim, however many jobs arrive meanwhile, up to
/// `limit`. (Clearing the whole cache at the limit dropped the jobs in flight as well, and their claims
/// decoded their specs again: 0.9% of the daemon's CPU under one-contact jobs.)
public final class JobCache<Value: Sendable>: Sendable {
    private struct Generations {
        var newer: [Int64: Value] = [:]
        var older: [Int64: Value] = [:]
    }

    private let generations = Mutex(Generations())
    private let limit: Int

    public init(limit: Int) { self.limit = limit }

    public func remember(_ value: Value, jobId: Int64) {
        generations.withLock { store(&$0, value, jobId: jobId) }
    }

    /// The kept value, or `make`'s, kept for next time.
    public func value(jobId: Int64, make: () throws -> Value) rethrows -> Value {
        let kept = generations.withLock { cache -> Value? in
            if let value = cache.newer[jobId] { return value }
            guard let value = cache.older[jobId] else { return nil }
            store(&cache, value, jobId: jobId)
            return value
        }
        if let kept { return kept }
        let value = try make()
        remember(value, jobId: jobId)
        return value
    }

    private func store(_ cache: inout Generations, _ value: Value, jobId: Int64) {
        if cache.newer.count >= limit {
            cache.older = cache.newer
            cache.newer = [:]
            cache.newer.reserveCapacity(limit)
        }
        cache.newer[jobId] = value
    }
}
