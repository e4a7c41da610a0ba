import Dispatch
import Synchronization

/// Pure work split in two and run on two threads at once, for the parts of a claim that wait for nothing but a
/// core while a store's one writer holds its transaction and the other core is often idle.
public enum TwoThreads {
    /// `work(0)` and `work(1)`, concurrently; their results in that order. On failure, the error of `work(0)` if it
    /// threw, else of `work(1)`: the error one thread running them in order would give.
    public static func run<Value: Sendable>(_ work: @Sendable (Int) throws -> Value) throws -> [Value] {
        let results = Mutex<[Result<Value, any Error>?]>([nil, nil])
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let result = Result { try work(half) }
            results.withLock { $0[half] = result }
        }
        // Both halves ran when concurrentPerform returns: a missing one is a bug, never an empty half.
        return try results.withLock { $0 }.map { try $0!.get() }
    }
}
