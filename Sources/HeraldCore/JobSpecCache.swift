import Foundation
import Synchronization

/// Decoded job specs by job id, so a claim of a thousand deliveries decodes each job once, not per row.
/// Specs never change after intake, so entries never go stale; the cache is simply bounded.
public final class JobSpecCache: Sendable {
    private let specs = Mutex<[Int64: JobSpec]>([:])
    private let limit: Int

    public init(limit: Int = 1024) { self.limit = limit }

    /// A job just created on this node: its first claim need not decode what intake already had.
    public func remember(_ spec: JobSpec, jobId: Int64) {
        specs.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[jobId] = spec
        }
    }

    public func spec(jobId: Int64, json: String) throws -> JobSpec {
        if let spec = specs.withLock({ $0[jobId] }) { return spec }
        let spec = try HeraldJSON.decoder().decode(JobSpec.self, from: Data(json.utf8))
        remember(spec, jobId: jobId)
        return spec
    }
}
