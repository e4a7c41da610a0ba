import HeraldCore
import Synchronization

/// Compiled templates per job: parsing once per job, not once per message. Intake hands over what it compiled
/// to validate a job (`remember`), so a one-contact job's templates are compiled once, not twice.
public final class ContentCache: Sendable {
    private let cache = Mutex<[Int64: CompiledContent]>([:])

    public init() {}

    public func remember(_ content: CompiledContent, jobId: Int64) {
        cache.withLock { cache in
            if cache.count > 256 { cache.removeAll(keepingCapacity: true) }
            cache[jobId] = content
        }
    }

    func content(for delivery: ClaimedDelivery) throws -> CompiledContent {
        if let cached = cache.withLock({ $0[delivery.jobId] }) { return cached }
        let compiled = try CompiledContent(delivery.job.content)
        remember(compiled, jobId: delivery.jobId)
        return compiled
    }
}
