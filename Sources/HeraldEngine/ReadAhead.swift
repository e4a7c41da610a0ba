import Foundation

/// Something a fan-out loop reads for a job before it needs it (a prepared batch, the next page of an
/// audience), with the cursor it was read after. It is used only at that cursor, only if it was read without
/// error, and only while fresh: `FanoutLookahead.freshFor` after `readAt`.
struct ReadAhead<Value: Sendable>: Sendable {
    let after: String?
    let task: Task<Value, any Error>

    func value(at cursor: String?, now: @Sendable () -> Date, readAt: (Value) -> Date) async -> Value? {
        guard after == cursor else {
            await stop()
            return nil
        }
        guard let value = try? await task.value, now().timeIntervalSince(readAt(value)) <= FanoutLookahead.freshFor
        else { return nil }
        return value
    }

    /// Cancels the read and waits for it to end, so none outlives its owner.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
