import Foundation

extension E2EPhases {
    /// Contacts `o0…` with phones +98912…, shared by the one-contact jobs and the OTPs under a campaign.
    static func oneContactId(_ index: Int) -> String { "o\(index)" }

    /// N one-contact transactional jobs posted at concurrency 32: intake rate and latency, and the rate
    /// at which they reach the provider (N / (last sink `$msec` − first POST)).
    func oneContactJobs(count: Int) async throws -> (rows: [Row], rate: Double) {
        let upsert = try await upsertContacts(count: count) { index in
            #"{"id":"\#(Self.oneContactId(index))","phone":"+98912\#(String(format: "%07d", index))","timezone":"Asia/Tehran"}"#
        }
        let (client, base, key) = (client, herald.baseURL, herald.key)
        try await warmUp(tag: "e2ewarmh") {
            let body = Self.oneContactJob(key: "e2e-warm", contact: Self.oneContactId(0), text: "code e2ewarmh")
            return await Self.postJob(client, base: base, key: key, body: body) != nil
        }
        var tallies = [SinkTally(tag: "e2e1x")]
        let cpuBefore = herald.cpuSeconds()
        let start = Self.now()
        let intake = await E2EClient.drive(count: count, concurrency: Self.concurrency) { index in
            let body = Self.oneContactJob(key: "e2e-one-\(index)", contact: Self.oneContactId(index), text: "code e2e1x\(index)")
            return await Self.postJob(client, base: base, key: key, body: body) != nil
        }
        let limit = 60 + count / 100
        let all = await follow(&tallies, limit: .seconds(limit)) { $0[0].count >= count }
        let cpuPerThousand = herald.cpuPerThousand(since: cpuBefore, messages: count)
        let tally = tallies[0]
        let rate = tally.count > 0 ? Double(tally.count) / (tally.last - start) : 0
        let p50 = E2EClient.quantile(intake.latencies, 0.5)
        let p99 = E2EClient.quantile(intake.latencies, 0.99)
        let shape = "\(count) jobs posted at concurrency \(Self.concurrency)"
        let missing = all ? "" : "; only \(tally.count) of \(count) reached the sink within \(limit) s"
        return (
            [
                Row(scenario: "one-contact jobs: contacts upsert (setup)", metric: "contacts/s", median: Double(count) / upsert,
                    unit: "/s", note: "POST /v1/contacts/batch, NDJSON chunks of 5,000"),
                Row(scenario: "one-contact jobs: intake", metric: "jobs/s", median: Double(intake.latencies.count) / intake.seconds,
                    unit: "/s", note: "\(shape); 202 in \(String(format: "%.1f", intake.seconds)) s; \(intake.failed) not accepted"),
                Row(scenario: "one-contact jobs: intake latency p99", metric: "ms", median: p99 * 1000, unit: "ms",
                    note: "p50 \(Self.milliseconds(p50)); target p99 ≤ 20 ms", format: "%.1f"),
                Row(scenario: "one-contact jobs: POST → provider", metric: "msgs/s", median: rate, unit: "/s",
                    note: "\(shape); first POST → last request in nginx's log, \(String(format: "%.1f", tally.last - start)) s\(missing)"),
                Row(scenario: "one-contact jobs: herald CPU per 1,000 jobs", metric: "ms", median: cpuPerThousand, unit: "ms",
                    note: "herald's own CPU (user + system), intake to provider; steadier than the rate on a shared machine"),
            ], rate
        )
    }
}
