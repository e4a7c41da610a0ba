import GRDB
import Synchronization

/// SQLite's one writer, fed from a queue. GRDB serves writes first come, first served, so an OTP's intake and
/// its express claim each waited behind every campaign claim, outcome and fan-out batch already queued (two or
/// three transactions of 5–15 ms each). Here writes take turns, urgent ones first: an urgent write waits at most
/// for the transaction in progress.
///
/// The writes run back to back on the writer's own thread: when one commits, its caller is resumed and the next
/// starts at once. (Handing the writer over through each caller's task left it idle for about a quarter of a
/// campaign while the continuations waited for a free thread of the cooperative pool.) Bodies must not start
/// another write (no nesting).
final class SQLiteWriteTurns: Sendable {
    private struct Pending {
        var run: @Sendable (Database) -> Void
    }

    private struct State {
        var draining = false
        var urgent: [Pending] = []
        var other: [Pending] = []

        mutating func next() -> Pending? {
            if !urgent.isEmpty { return urgent.removeFirst() }
            if !other.isEmpty { return other.removeFirst() }
            draining = false
            return nil
        }
    }

    private let pool: DatabasePool
    private let state = Mutex(State())

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Writes waiting for their turn.
    var waiting: Int { state.withLock { $0.urgent.count + $0.other.count } }

    /// `body` in a transaction of its own, in its turn.
    func write<T: Sendable>(urgent: Bool, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await run(urgent: urgent) { db in
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// `body` outside a transaction (for statements that open their own, or must run outside one), in its turn.
    func run<T: Sendable>(urgent: Bool, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let pending = Pending { db in continuation.resume(with: Result { try body(db) }) }
            let starts = state.withLock { state in
                if urgent { state.urgent.append(pending) } else { state.other.append(pending) }
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if starts { pool.asyncWriteWithoutTransaction { db in self.drain(db) } }
        }
    }

    /// Runs queued writes until none is left; a write queued after the last check starts a new drain.
    private func drain(_ db: Database) {
        while let pending = state.withLock({ $0.next() }) { pending.run(db) }
    }
}
