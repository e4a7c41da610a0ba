import HeraldCore

/// Job specs by id for filtering and payloads: a campaign's events all name the same job, so it is read
/// once. Bounded, since jobs keep coming.
public struct JobSpecLookup: Sendable {
    let store: any Store
    private var specs: [Int64: JobSpec] = [:]

    public init(store: any Store) {
        self.store = store
    }

    public mutating func spec(_ id: Int64?) async throws -> JobSpec? {
        guard let id else { return nil }
        if let spec = specs[id] { return spec }
        guard let spec = try await store.job(id: id)?.spec else { return nil }
        if specs.count >= 1_000 { specs.removeAll(keepingCapacity: true) }
        specs[id] = spec
        return spec
    }
}
