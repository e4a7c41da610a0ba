extension JobSpec {
    /// What `priority` means when left out: transactional jobs go ahead of marketing ones.
    public var defaultPriority: Int { purpose == .transactional ? 5 : 0 }

    public static let defaultStrategy = Strategy.first

    /// The spec with every member that only restates its default left out (`"priority": 5` on a transactional
    /// job, `"priority": 0` on a marketing one, `"strategy": "first"`). The canonical form is written from it,
    /// so a job resent with its defaults spelled out is the same job, with the same idempotency hash, and a
    /// job that left them out hashes as it always did.
    var withoutDefaults: JobSpec {
        var spec = self
        if spec.priority == defaultPriority { spec.priority = nil }
        if spec.strategy == Self.defaultStrategy { spec.strategy = nil }
        return spec
    }
}
