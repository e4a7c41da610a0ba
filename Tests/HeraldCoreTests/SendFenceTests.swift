import HeraldCore
import HeraldTestSupport
import Testing

@Suite("SendFence: a drain waits for the holds taken before it, and only for those")
struct SendFenceTests {
    /// Starts a drain and says whether it has finished after the scheduler had a fair chance to run it.
    private func startDrain(_ fence: SendFence) async -> (Task<Void, Never>, Flag) {
        let done = Flag()
        let task = Task {
            await fence.drain()
            done.raise()
        }
        try? await Task.sleep(for: .milliseconds(100))
        return (task, done)
    }

    @Test func withNoHoldOpenADrainReturnsAtOnce() async {
        let fence = SendFence()
        fence.hold().end()
        await fence.drain()
    }

    @Test func aDrainWaitsForAnEarlierHoldButNotForALaterOne() async {
        let fence = SendFence()
        let earlier = fence.hold()
        let (drain, done) = await startDrain(fence)
        let later = fence.hold()
        #expect(!done.isRaised)
        earlier.end()
        await drain.value
        #expect(done.isRaised)
        later.end()
    }

    @Test func aSharedHoldEndsWithItsLastHolder() async {
        let fence = SendFence()
        let hold = fence.hold()
        hold.share(with: 2)
        let (drain, done) = await startDrain(fence)
        hold.end()
        hold.end()
        try? await Task.sleep(for: .milliseconds(100))
        #expect(!done.isRaised)
        hold.end()
        await drain.value
    }

    /// A hold nobody ended (an error path that lost it) must not hold back every later stop for ever.
    @Test func aDroppedHoldEnds() async {
        let fence = SendFence()
        var hold: SendHold? = fence.hold()
        let (drain, done) = await startDrain(fence)
        #expect(!done.isRaised)
        #expect(hold != nil)
        hold = nil
        await drain.value
    }
}
