import Foundation

extension E2EPhases {
    /// While a second campaign to the same segment fans out and sends, `otps` one-contact transactional jobs
    /// are posted at 20/s with unique texts; each one's latency is its sink `$msec` minus its POST's send time.
    func otpUnderCampaign(contacts: Int, otps: Int) async throws -> [Row] {
        let (client, base, key) = (client, herald.baseURL, herald.key)
        let tag = "e2eotp"
        let (run, extra, sent) = try await sendCampaign(
            tag: "e2ec2", contacts: contacts, extra: [SinkTally(tag: tag, expected: otps, keepLines: true)]
        ) {
            // Half a second in, so the campaign's fan-out has begun.
            try? await Task.sleep(for: .milliseconds(500))
            return await Self.postPaced(count: otps, every: .milliseconds(50)) { index in
                let body = Self.oneContactJob(key: "e2e-otp-\(index)", contact: Self.oneContactId(index), text: "code \(tag)\(index)x")
                return await Self.postJob(client, base: base, key: key, body: body) != nil
            }
        }
        var latencies: [Double] = []
        for (msec, uri) in extra[0].lines ?? [] {
            guard let range = uri.range(of: tag), let index = Int(uri[range.upperBound...].prefix { $0.isNumber }),
                let postedAt = sent[index]
            else { continue }
            latencies.append(msec - postedAt)
        }
        let arrived = "\(latencies.count) of \(otps) reached the sink (\(otps - sent.count) not accepted)"
        let context = "\(otps) one-contact jobs at 20/s from 0.5 s after a \(contacts)-contact campaign's POST; \(arrived)"
        let campaignNote = run.complete ? "" : "; only \(run.tally.count) of \(contacts) reached the sink within the limit"
        return [
            Row(scenario: "OTP under a campaign: POST → provider p50", metric: "ms", median: E2EClient.quantile(latencies, 0.5) * 1000,
                unit: "ms", note: context, format: "%.1f"),
            Row(scenario: "OTP under a campaign: POST → provider p99", metric: "ms", median: E2EClient.quantile(latencies, 0.99) * 1000,
                unit: "ms", note: "max \(Self.milliseconds(latencies.max() ?? 0)); target p99 ≤ 50 ms", format: "%.1f"),
            Row(scenario: "the campaign beside the OTPs: POST → last message", metric: "msgs/s", median: run.rate, unit: "/s",
                note: "same segment again; fan-out \(run.fanOutSeconds.map { String(format: "%.2f s", $0) } ?? "not done in time")\(campaignNote)"),
        ]
    }

    /// Starts `post(i)` every `every`, not waiting for answers; the wall time each accepted POST was sent.
    static func postPaced(count: Int, every: Duration, _ post: @escaping @Sendable (Int) async -> Bool) async -> [Int: Double] {
        let clock = ContinuousClock()
        let start = clock.now
        return await withTaskGroup(of: (Int, Double, Bool).self) { group in
            for index in 0..<count {
                try? await clock.sleep(until: start + every * index)
                group.addTask {
                    let sentAt = now()
                    return (index, sentAt, await post(index))
                }
            }
            var sent: [Int: Double] = [:]
            for await (index, sentAt, accepted) in group where accepted { sent[index] = sentAt }
            return sent
        }
    }
}
