import Foundation

/// Something a fan-out loop reads for a job before it needs it (a prepared batch, the next page of an
/// audience), with the cursor it was read after. It is used only at that cursor, only if it was read without
/// error, and only while fresh: `FanoutLookahead.freshFor` after `readAt`.
struct ReadAhead<Value: Sendable>: Sendable {
    let after: String?
    let startedAt: Date
    let task: Task<Value, any Error>

    /// Started longer ago than anything may be used: a job that was cancelled or taken over by another node is
    /// never prepared again here, and its slot would otherwise be held until the loop next goes idle.
    func isStale(now: Date) -> Bool {
        now.timeIntervalSince(startedAt) > FanoutLookahead.freshFor
    }

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
