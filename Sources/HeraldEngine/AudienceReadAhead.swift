import Foundation
import HeraldCore
import Synchronization

/// The page of a job's audience after the one just read, read while that one is planned: with each page read
/// at the start of its batch's preparation, reading was the slowest stage of fan-out. A page is used only by
/// its job, at the cursor it was read after, and only within `FanoutLookahead.freshFor` of its read (its batch
/// may then wait as long again in `FanoutLookahead`: a written row's contact data is at most two seconds old,
/// and contacts erased meanwhile are still left out by the write). At most `FanoutLookahead.capacity` jobs
/// have one, so a round robin over many campaigns holds a few pages, not one per campaign; a stale one gives
/// its slot up.
final class AudienceReadAhead: Sendable {
    private struct ReadPage: Sendable {
        let page: AudiencePage
        let at: Date
    }

    private let entries = Mutex<[Int64: ReadAhead<ReadPage>]>([:])

    /// The page after `cursor`: the one read ahead when it fits, else read now. Before returning a page that
    /// is not the last, starts reading the next one.
    func next(
        _ jobId: Int64, after cursor: String?, now: @escaping @Sendable () -> Date,
        read: @escaping @Sendable (String?) async throws -> AudiencePage
    ) async throws -> AudiencePage {
        let page: AudiencePage
        let entry = entries.withLock { $0.removeValue(forKey: jobId) }
        if let ready = await entry?.value(at: cursor, now: now, readAt: \.at) {
            page = ready.page
        } else {
            page = try await read(cursor)
        }
        if !page.finished {
            let after = page.cursor
            let current = now()
            entries.withLock { entries in
                // A stale read is cancelled and left to end on its own: nothing waits for it.
                for (staleJob, entry) in entries where entry.isStale(now: current) {
                    entry.task.cancel()
                    entries[staleJob] = nil
                }
                guard entries.count < FanoutLookahead.capacity else { return }
                entries[jobId]?.task.cancel()
                let task = Task {
                    let at = now()
                    return ReadPage(page: try await read(after), at: at)
                }
                entries[jobId] = ReadAhead(after: after, startedAt: current, task: task)
            }
        }
        return page
    }

    /// Cancels a job's page and waits for its read to stop.
    func drop(_ jobId: Int64) async {
        await entries.withLock { $0.removeValue(forKey: jobId) }?.stop()
    }

    /// Cancels every page and waits for their reads to stop, so none outlives the service.
    func dropAll() async {
        let all = entries.withLock { entries in
            defer { entries.removeAll() }
            return Array(entries.values)
        }
        for entry in all { await entry.stop() }
    }
}
