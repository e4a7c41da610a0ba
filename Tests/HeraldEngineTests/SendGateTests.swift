import Foundation
import HeraldCore
import HeraldStoreSQLite
import HeraldTestSupport
import Synchronization
import Testing

@testable import HeraldEngine

/// A caller whose read served others too must get its answer without waiting for the read that serves the
/// callers who came later: it holds the store's lock until it has sent, and on PostgreSQL that later read can
/// queue behind a stop that waits for this very hold (a cycle the database cannot see).
@Suite struct SendGateTests {
    /// Opened once; every wait before and after returns then.
    final class Latch: Sendable {
        private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

        func wait() async {
            await withCheckedContinuation { continuation in
                let open = state.withLock { state in
                    if !state.open { state.waiting.append(continuation) }
                    return state.open
                }
                if open { continuation.resume() }
            }
        }

        func open() {
            let waiting = state.withLock { state in
                state.open = true
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    private func message(_ index: Int) -> OutboundMessage {
        OutboundMessage(
            deliveryId: Int64(index), jobId: 1, contactId: "c\(index)", channel: .sms, purpose: .transactional,
            topic: nil, addresses: ["+1555200\(1000 + index)"], content: .sms(text: "code \(index)"),
            unsubscribeURL: nil, idempotencyKey: "k\(index)", attempt: 1)
    }

    @Test func aLeaderIsAnsweredBeforeTheReadForTheCallersBehindIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path)
        try await base.migrate()
        let reads = Mutex(0)
        let first = Latch()
        let second = Latch()
        let store = InterceptingStore(base, beforeLateChanges: {
            let number = reads.withLock { reads in
                reads += 1
                return reads
            }
            await (number == 1 ? first : second).wait()
        })
        let gate = SendGate(store: store, watermark: 0, stopWatermark: nil)

        let leader = Task { await gate.admit([message(1)]) }
        while reads.withLock({ $0 }) < 1 { try await Task.sleep(for: .milliseconds(10)) }
        let follower = Task { await gate.admit([message(2)]) }
        try await Task.sleep(for: .milliseconds(100))  // the follower now waits behind the leader's read
        let answered = Flag()
        Task {
            _ = await leader.value
            answered.raise()
        }
        first.open()
        for _ in 0..<100 where !answered.isRaised { try await Task.sleep(for: .milliseconds(50)) }
        #expect(answered.isRaised, "the leader waited for the read that serves the follower")
        second.open()
        // Both answered (no such contacts here: each message is stopped as erased, which is beside the point).
        #expect(await follower.value.verdicts.count == 1)
        #expect(await leader.value.verdicts.count == 1)
    }
}
