import Foundation

extension E2EPhases {
    /// What the driving itself reaches: the one-contact jobs' own POSTs (same bodies, same key header, same
    /// concurrency) answered by the nginx sink at once, with no gateway between. No gateway driven this way
    /// can show more on this machine: the benchmark's client and nginx share its cores with the gateway.
    func drivingCeiling(count: Int) async -> (rows: [Row], rate: Double?) {
        let (client, url, key) = (client, "\(sink.url)/sms", herald.key)
        let intake = await E2EClient.drive(count: count, concurrency: Self.concurrency) { index in
            let body = Self.oneContactJob(key: "e2e-ceiling-\(index)", contact: Self.oneContactId(index), text: "code e2ec\(index)")
            guard case let (status, _)? = try? await client.call("POST", url, key: key, body: body) else { return false }
            return status == 200
        }
        guard intake.failed < count else {
            return ([E2EBench.skipped("the driving's own ceiling (reference)", "nginx answered none of the POSTs")], nil)
        }
        let rate = Double(intake.latencies.count) / intake.seconds
        return (
            [
                Row(scenario: "the driving's own ceiling: the same POSTs answered by nginx (reference)", metric: "requests/s",
                    median: rate, unit: "/s",
                    note: "\(count) one-contact job bodies POSTed at concurrency \(Self.concurrency) by this benchmark's client "
                        + "straight to the sink; \(intake.failed) failed; no gateway driven this way shows more"),
            ], rate
        )
    }
}
