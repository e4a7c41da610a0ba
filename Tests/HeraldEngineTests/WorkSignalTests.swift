import Foundation
import HeraldEngine
import Synchronization
import Testing

@Suite("Engine: the signal that wakes idle loops")
struct WorkSignalTests {
    /// A loop cancelled while it starts to wait (a daemon stopping, a service group torn down) must return. The
    /// wait's two halves start as child tasks; when the cancellation came first, the timer half ended at once and
    /// the notification half could register after the cleanup that releases it, so the wait, and with it the
    /// loop and whoever awaited it, hung for good. Seen as a benchmark run that never ended after its last send.
    @Test func aWaitCancelledAsItStartsReturns() async throws {
        let signal = WorkSignal()
        let returned = Returned()
        let waits = 2_000
        // One wait after another, each cancelled as it starts, in a task of their own: a wait that hangs must fail
        // this test, not hang the run with it.
        Task {
            for _ in 0..<waits {
                let waiting = Task { await signal.wait(timeout: 3_600) }
                waiting.cancel()
                await waiting.value
                returned.count.withLock { $0 += 1 }
            }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while returned.count.withLock({ $0 }) < waits, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(returned.count.withLock { $0 } == waits)
    }

    /// The waits below would last 30 s if nothing woke them; each must return long before.
    @Test func aWaitCancelledWhileWaitingReturns() async throws {
        let signal = WorkSignal()
        let started = ContinuousClock.now
        let waiting = Task { await signal.wait(timeout: 30) }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await waiting.value
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// A notification with nobody waiting is kept for the next wait, which then returns at once.
    @Test func aNotificationBeforeTheWaitIsKept() async {
        let signal = WorkSignal()
        signal.notify()
        let started = ContinuousClock.now
        await signal.wait(timeout: 30)
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}

private final class Returned: Sendable {
    let count = Mutex(0)
}
