import HeraldCore

/// Compiled templates per job: parsing once per job, not once per message. Intake hands over what it compiled
/// to validate a job (`remember`), so a one-contact job's templates are compiled once, not twice.
public typealias ContentCache = JobCache<CompiledContent>

extension JobCache where Value == CompiledContent {
    public convenience init() { self.init(limit: 256) }

    func content(for delivery: ClaimedDelivery) throws -> CompiledContent {
        try value(jobId: delivery.jobId) { try CompiledContent(delivery.job.content) }
    }
}
