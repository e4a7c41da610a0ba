import HeraldCore
import Testing

/// What intake remembers must still be there for the job's claim, however many jobs arrive meanwhile, up to
/// the cache's limit.
@Suite struct JobCacheTests {
    @Test func aRememberedValueOutlivesLimitNewerOnes() {
        let cache = JobCache<Int>(limit: 4)
        cache.remember(100, jobId: 0)
        for id in Int64(1)...4 { cache.remember(Int(id), jobId: id) }
        var made = 0
        #expect(cache.value(jobId: 0) { made += 1; return -1 } == 100)
        #expect(made == 0)
    }

    @Test func aValueIsDroppedOnlyAfterTwoFullGenerations() {
        let cache = JobCache<Int>(limit: 4)
        cache.remember(100, jobId: 0)
        for id in Int64(1)...8 { cache.remember(Int(id), jobId: id) }
        var made = 0
        #expect(cache.value(jobId: 0) { made += 1; return -1 } == -1)
        #expect(made == 1)
        // Made once, then kept.
        #expect(cache.value(jobId: 0) { made += 1; return -2 } == -1)
        #expect(made == 1)
    }

    @Test func aValueReadFromTheOlderGenerationIsKeptAsNew() {
        let cache = JobCache<Int>(limit: 4)
        cache.remember(100, jobId: 0)
        for id in Int64(1)...4 { cache.remember(Int(id), jobId: id) }
        // Job 0 is in the older generation; reading it moves it to the newer one, so it survives the next turn.
        #expect(cache.value(jobId: 0) { -1 } == 100)
        for id in Int64(5)...7 { cache.remember(Int(id), jobId: id) }
        #expect(cache.value(jobId: 0) { -1 } == 100)
    }
}
