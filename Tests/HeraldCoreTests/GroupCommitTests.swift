import HeraldCore
import Synchronization
import Testing

/// Group commit: writes that arrive while one is in flight go together in the next, each caller gets its
/// own outcome, and a failed group fails every caller in it (nobody is told "accepted" for an unwritten row).
@Suite struct GroupCommitTests {
    /// Records the groups it was given; the first write waits until `release` so the others queue behind it.
    final class Recorder: Sendable {
        let groups = Mutex<[[Int]]>([])
        let firstStarted = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()

        func write(_ group: [Int]) async throws -> [Result<Int, any Error>] {
            let isFirst = groups.withLock { groups in
                groups.append(group)
                return groups.count == 1
            }
            if isFirst {
                firstStarted.continuation.yield()
                for await _ in release.stream { break }
            }
            if group.contains(-1) { throw Refused() }
            return group.map { $0 == 13 ? .failure(Refused()) : .success($0 * 10) }
        }
    }

    struct Refused: Error {}

    @Test func writesArrivingDuringACommitShareTheNextOne() async throws {
        let recorder = Recorder()
        let commit = GroupCommit<Int, Int>(write: recorder.write)
        async let first = commit.submit(1)
        for await _ in recorder.firstStarted.stream { break }
        let queued = (2...20).map { value in Task { try? await commit.submit(value) } }
        // Give every queued caller the chance to enqueue before the first commit finishes.
        while commit.queuedCount < 19 { await Task.yield() }
        recorder.release.continuation.yield()
        #expect(try await first == 10)
        var answers: [Int?] = []
        for task in queued { answers.append(await task.value) }
        #expect(answers == (2...20).map { $0 == 13 ? nil : $0 * 10 }, "each caller its own outcome")
        let groups = recorder.groups.withLock { $0 }
        #expect(groups.count == 2, "19 writes that waited went in one group: \(groups)")
        #expect(groups.last?.sorted() == Array(2...20))
    }

    @Test func aFailedGroupFailsEveryCallerInIt() async throws {
        let recorder = Recorder()
        recorder.release.continuation.yield()
        let commit = GroupCommit<Int, Int>(write: recorder.write)
        await #expect(throws: Refused.self) { try await commit.submit(-1) }
        #expect(try await commit.submit(4) == 40, "the committer steps down and the next write goes through")
    }
}
