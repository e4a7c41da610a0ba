import HeraldCore
import PostgresNIO
import Synchronization

/// The send fence across nodes. The last check before a send reads inside a transaction holding an advisory
/// lock shared, kept open until the messages it admitted are handed to their driver; a stop, once committed,
/// takes the same lock exclusively (`drainSends`), which PostgreSQL grants only after every earlier holder on
/// any node let go, while later readers queue behind it and see the stop. Holds are capped below the pool's
/// size, so slow providers cannot take every connection; a check beyond the cap waits for a slot. Drains on
/// one node share their lock requests (`Drains`), so a burst of opt-outs takes one connection, not one each.
final class PostgresSendFence: Sendable {
    private let limits: PostgresSendFenceLimits
    private let slots: Mutex<(free: Int, waiting: [CheckedContinuation<Void, Never>])>
    private let drains = Mutex(Drains())

    /// Whether a drain is running, and who asked for one while it ran: they need a drain that starts after them.
    private struct Drains {
        var running = false
        var next: [CheckedContinuation<Void, Never>] = []
    }

    init(holds: Int, limits: PostgresSendFenceLimits) {
        slots = Mutex((max(holds, 1), []))
        self.limits = limits
        // A server whose `idle_in_transaction_session_timeout` is shorter than a hold would end the session, and
        // with it the lock, while the hold's sends are in flight: a stop could then be answered before they are
        // handed over. The hold sets its own, as long as its transaction's deadline, in the statement that takes
        // the lock (no extra round trip; a startup parameter would be refused by PgBouncer).
        let idleLimit = Int((limits.longestHold + Self.deadlineMargin) / .milliseconds(1))
        takeShared = PostgresQuery(
            unsafeSQL: """
                SELECT set_config('idle_in_transaction_session_timeout', '\(idleLimit)', true),
                pg_advisory_xact_lock_shared(\(PostgresStore.LockKey.sendFence))
                """)
    }

    /// How long a hold's transaction may outlast `longestHold` before the client gives up on it.
    private static let deadlineMargin = Duration.seconds(30)
    /// Takes the fence's lock shared, for this transaction only.
    private let takeShared: PostgresQuery

    /// Takes the lock shared and runs `read` inside a transaction that stays open until the answer's hold ends.
    func holding(
        _ store: PostgresStore,
        _ read: @escaping @Sendable (PostgresConnection) async throws -> (events: [ConsentEvent], stops: LateStopFacts)
    ) async throws -> LateChanges {
        await takeSlot()
        let (ended, end) = AsyncStream<Void>.makeStream()
        return try await withCheckedThrowingContinuation { continuation in
            let reply = Reply(continuation)
            Task {
                do {
                    try await store.transaction(deadline: self.limits.longestHold + Self.deadlineMargin) { connection in
                        // The read must see what committed before the lock was granted: one snapshot per statement,
                        // whatever the database's default isolation.
                        try await connection.rows("SET TRANSACTION ISOLATION LEVEL READ COMMITTED", logger: store.logger)
                        // The hold's clock starts before its read: a read that missed a stop started before the stop
                        // committed, so it lets go before a drain that cannot get the lock stops waiting for it.
                        let letGo = ContinuousClock.now + self.limits.longestHold
                        try await connection.rows(self.takeShared, logger: store.logger)
                        let (events, stops) = try await read(connection)
                        // A retried transaction after the answer went out has no one to answer: it just ends.
                        guard reply.send(.success(LateChanges(events: events, stops: stops, hold: SendHold { end.finish() })))
                        else { return }
                        if await !Self.ended(ended, by: letGo) {
                            store.logger.warning(
                                "a send held the send fence past its limit; let go, so a stop acknowledged now does not wait for it",
                                metadata: ["limit_seconds": "\(self.limits.longestHold.components.seconds)"])
                        }
                    }
                } catch {
                    reply.send(.failure(error))
                }
                self.returnSlot()
            }
        }
    }

    /// Returns once every hold taken before the call has ended, on any node. Callers that ask while a drain
    /// runs are served together by the next one.
    func drain(_ store: PostgresStore) async {
        await withCheckedContinuation { continuation in
            let leads = drains.withLock { drains in
                drains.next.append(continuation)
                guard !drains.running else { return false }
                drains.running = true
                return true
            }
            if leads { Task { await self.runDrains(store) } }
        }
    }

    private func runDrains(_ store: PostgresStore) async {
        while true {
            let batch = drains.withLock { drains in
                defer { drains.next = [] }
                if drains.next.isEmpty { drains.running = false }
                return drains.next
            }
            guard !batch.isEmpty else { return }
            let started = ContinuousClock.now
            if await takeExclusiveLock(store) {
                for continuation in batch { continuation.resume() }
            } else {
                // Every hold taken before these stops committed has let go by then, on any node, by its own clock
                // (started before its read). The next batch meanwhile tries the lock again at once.
                Task {
                    try? await Task.sleep(until: started + self.limits.longestHold + .seconds(1), clock: .continuous)
                    for continuation in batch { continuation.resume() }
                }
            }
        }
    }

    /// Whether the lock was granted exclusively. When it cannot be (the server unreachable, the wait past
    /// `drainWait`), the drain's callers wait out `longestHold` instead (`runDrains`). The stop is recorded either
    /// way, so its caller is not told to repeat it (a repeat appends to the ledger again, and an erasure cannot be
    /// repeated); its 2xx only comes later.
    private func takeExclusiveLock(_ store: PostgresStore) async -> Bool {
        let logger = store.logger
        // The server ends the wait itself: no exclusive request is left queued ahead of later checks.
        let lockTimeout = PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = '\(Int(limits.drainWait / .milliseconds(1)))ms'")
        do {
            try await store.transaction(deadline: limits.drainWait + .seconds(30)) { connection in
                try await connection.rows(lockTimeout, logger: logger)
                try await connection.rows("SELECT pg_advisory_xact_lock(\(PostgresStore.LockKey.sendFence))", logger: logger)
            }
            return true
        } catch {
            logger.warning(
                "the send fence could not be drained; its stops are answered once the longest hold has passed",
                metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Whether the hold ended before `letGo`.
    private static func ended(_ ended: AsyncStream<Void>, by letGo: ContinuousClock.Instant) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in ended {}
                return true
            }
            group.addTask {
                try? await Task.sleep(until: letGo, clock: .continuous)
                return false
            }
            defer { group.cancelAll() }
            return await group.next() ?? true
        }
    }

    private func takeSlot() async {
        await withCheckedContinuation { continuation in
            let taken = slots.withLock { slots in
                guard slots.free > 0 else {
                    slots.waiting.append(continuation)
                    return false
                }
                slots.free -= 1
                return true
            }
            if taken { continuation.resume() }
        }
    }

    private func returnSlot() {
        let next = slots.withLock { slots -> CheckedContinuation<Void, Never>? in
            // The slot passes straight to the next waiter.
            guard slots.waiting.isEmpty else { return slots.waiting.removeFirst() }
            slots.free += 1
            return nil
        }
        next?.resume()
    }

    /// Answers the caller once; later answers (after a retried transaction) are dropped.
    private final class Reply: Sendable {
        private let continuation: Mutex<CheckedContinuation<LateChanges, any Error>?>

        init(_ continuation: CheckedContinuation<LateChanges, any Error>) {
            self.continuation = Mutex(continuation)
        }

        @discardableResult
        func send(_ result: Result<LateChanges, any Error>) -> Bool {
            guard let continuation = continuation.withLock({ $0.take() }) else { return false }
            continuation.resume(with: result)
            return true
        }
    }
}

/// How long the send fence waits (tests shorten them).
public struct PostgresSendFenceLimits: Sendable {
    /// A hold not ended by then (a send that hangs) lets go anyway: the fence weakens for that send only.
    public var longestHold: Duration
    /// How long a stop waits for the lock before it waits out `longestHold` instead: past `longestHold`, only an
    /// unreachable server or a holder that is not Herald's keeps it.
    public var drainWait: Duration

    public init(longestHold: Duration = .seconds(60), drainWait: Duration = .seconds(90)) {
        self.longestHold = longestHold
        self.drainWait = drainWait
    }
}
