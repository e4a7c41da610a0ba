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

    @Test(.timeLimit(.minutes(1))) func aWaitCancelledWhileWaitingReturns() async throws {
        let signal = WorkSignal()
        let waiting = Task { await signal.wait(timeout: 3_600) }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await waiting.value
    }

    /// A notification with nobody waiting is kept for the next wait, which then returns at once.
    @Test(.timeLimit(.minutes(1))) func aNotificationBeforeTheWaitIsKept() async {
        let signal = WorkSignal()
        signal.notify()
        await signal.wait(timeout: 3_600)
    }

    @Test(.timeLimit(.minutes(1))) func everyWaitingLoopIsWoken() async throws {
        let signal = WorkSignal()
        let loops = (0..<3).map { _ in Task { await signal.wait(timeout: 3_600) } }
        try await Task.sleep(for: .milliseconds(50))
        signal.notify()
        for loop in loops { await loop.value }
    }
}

private final class Returned: Sendable {
    let count = Mutex(0)
}
