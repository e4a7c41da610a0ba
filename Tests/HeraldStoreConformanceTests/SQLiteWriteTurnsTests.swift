import Synchronization
import Testing

@testable import HeraldStoreSQLite

/// SQLite has one writer: an OTP's write waits for the transaction in progress, not for the campaign's
/// writes queued before it.
@Suite struct SQLiteWriteTurnsTests {
    @Test("an urgent write goes next, ahead of writes that queued before it; the rest keep their order")
    func urgentGoesNext() async throws {
        let turns = SQLiteWriteTurns()
        let order = OrderLog()
        let (gate, opener) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await turns.run(urgent: false) {
                order.append("in progress")
                for await _ in gate { break }
            }
        }
        try await until { order.items.count == 1 }
        var queued: [Task<Void, any Error>] = []
        for index in 0..<3 {
            queued.append(Task { try await turns.run(urgent: false) { order.append("campaign \(index)") } })
            try await until { turns.waiting == index + 1 }
        }
        queued.append(Task { try await turns.run(urgent: true) { order.append("otp") } })
        try await until { turns.waiting == 4 }
        opener.yield()
        try await holder.value
        for task in queued { try await task.value }
        #expect(order.items == ["in progress", "otp", "campaign 0", "campaign 1", "campaign 2"])
    }

    private func until(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        try #require(condition())
    }
}

private final class OrderLog: Sendable {
    private let log = Mutex<[String]>([])
    var items: [String] { log.withLock { $0 } }
    func append(_ item: String) { log.withLock { $0.append(item) } }
}
