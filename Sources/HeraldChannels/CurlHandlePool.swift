import Foundation
import Synchronization

/// The connections of one relay or HTTP endpoint: `capacity` pooled easy handles spread over a few `CurlMultiLoop`
/// threads, at most one per CPU. One thread alone caps the driver at one core (it does every
/// socket write, and on loopback the receiver's TCP work too); a thread per connection pays a
/// context switch per message. Each message goes to the least busy loop, the first on a tie, so a
/// trickle of mail keeps using one warm connection.
final class CurlHandlePool: Sendable {
    let capacity: Int
    private let loops: [CurlMultiLoop]

    /// Nil when libcurl cannot create a multi handle.
    init?(capacity: Int, label: String, makeHandle: @escaping @Sendable () -> CurlEasy?) {
        let threads = max(1, min(capacity, ProcessInfo.processInfo.activeProcessorCount))
        var loops: [CurlMultiLoop] = []
        for index in 0..<threads {
            // Spread the capacity: 8 over 3 loops gives 3, 3, 2.
            let share = capacity / threads + (index < capacity % threads ? 1 : 0)
            guard let loop = CurlMultiLoop(capacity: share, label: label, makeHandle: makeHandle) else { return nil }
            loops.append(loop)
        }
        self.capacity = capacity
        self.loops = loops
    }

    /// Runs the job `makeJob` builds on the least busy loop; nil when shut down or without a handle.
    func run<Output: Sendable>(_ makeJob: (CheckedContinuation<Output?, Never>) -> any CurlJob) async -> Output? {
        await leastBusyLoop.run(makeJob)
    }

    /// Runs `count` jobs in one hand-off and resumes once, when the last is done, with their outcomes in
    /// order. `makeJob(index, finish)` builds job `index`, which must call `finish` exactly once (the
    /// jobs' completions do, whichever way a transfer ends). `placeholder` only fills the slots until then.
    func run<Outcome: Sendable>(
        count: Int, placeholder: Outcome,
        _ makeJob: (_ index: Int, _ finish: @escaping @Sendable (Outcome) -> Void) -> any CurlJob
    ) async -> [Outcome] {
        guard count > 0 else { return [] }
        return await withCheckedContinuation { continuation in
            let collector = BatchCollector(count: count, placeholder: placeholder, continuation: continuation)
            submit((0..<count).map { index in makeJob(index) { collector.finish(index, with: $0) } })
        }
    }

    /// Queues `jobs` without waiting, spread so each loop ends up with about the same number in hand;
    /// each loop gets its share in one hand-off.
    func submit(_ jobs: [any CurlJob]) {
        guard loops.count > 1 else { return loops[0].submit(jobs) }
        var loads = loops.map { $0.load.load(ordering: .relaxed) }
        var shares = Array(repeating: [any CurlJob](), count: loops.count)
        for job in jobs {
            let index = loads.indices.min { loads[$0] < loads[$1] }!
            shares[index].append(job)
            loads[index] += 1
        }
        for (loop, share) in zip(loops, shares) { loop.submit(share) }
    }

    private var leastBusyLoop: CurlMultiLoop {
        var chosen = loops[0]
        var lowest = chosen.load.load(ordering: .relaxed)
        for loop in loops.dropFirst() where lowest > 0 {
            let load = loop.load.load(ordering: .relaxed)
            if load < lowest { (chosen, lowest) = (loop, load) }
        }
        return chosen
    }

    /// Lets transfers in flight finish, then closes every connection (libcurl sends QUIT).
    func shutdown() async {
        for loop in loops { await loop.shutdown() }
    }
}
