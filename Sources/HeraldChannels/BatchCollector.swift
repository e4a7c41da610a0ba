import Synchronization

/// Gathers the outcomes of a batch of jobs, which finish in any order on any loop thread (libcurl's or
/// SwiftNIO's), and resumes the waiting caller once, when the last one is in. Each job writes only its
/// own slot, and the countdown's release/acquire ordering makes every slot visible to whoever counts
/// down to zero, so the loop threads never wait on each other here.
final class BatchCollector<Outcome: Sendable>: @unchecked Sendable {
    private let outcomes: UnsafeMutableBufferPointer<Outcome>
    private let remaining: Atomic<Int>
    private let continuation: CheckedContinuation<[Outcome], Never>

    init(count: Int, placeholder: Outcome, continuation: CheckedContinuation<[Outcome], Never>) {
        outcomes = .allocate(capacity: count)
        outcomes.initialize(repeating: placeholder)
        remaining = Atomic(count)
        self.continuation = continuation
    }

    deinit {
        outcomes.deinitialize()
        outcomes.deallocate()
    }

    /// Called exactly once per index.
    func finish(_ index: Int, with outcome: Outcome) {
        outcomes[index] = outcome
        let (_, left) = remaining.subtract(1, ordering: .acquiringAndReleasing)
        if left == 0 { continuation.resume(returning: Array(outcomes)) }
    }
}
