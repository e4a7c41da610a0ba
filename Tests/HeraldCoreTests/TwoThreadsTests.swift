import HeraldCore
import Testing

/// The claim's two halves: results come back in half order, and a failure is the one a single thread running
/// the halves in order would report.
@Suite struct TwoThreadsTests {
    struct HalfFailed: Error, Equatable { let half: Int }

    @Test func resultsComeBackInHalfOrder() throws {
        for _ in 0..<50 {
            let results = try TwoThreads.run { half in (0..<1_000).map { half * 1_000 + $0 } }
            #expect(results.flatMap { $0 } == Array(0..<2_000))
        }
    }

    @Test func theFirstHalfsErrorWinsWhenBothFail() {
        for _ in 0..<50 {
            #expect(throws: HalfFailed(half: 0)) {
                try TwoThreads.run { half -> Int in throw HalfFailed(half: half) }
            }
        }
    }

    @Test func oneFailingHalfFailsTheWhole() {
        #expect(throws: HalfFailed(half: 1)) {
            try TwoThreads.run { half -> Int in
                if half == 1 { throw HalfFailed(half: 1) }
                return half
            }
        }
    }
}
