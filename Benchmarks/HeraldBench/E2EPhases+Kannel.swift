import Foundation

extension E2EPhases {
    static let kannelSetup = "bearerbox + smsbox, smsc http generic, file store, max-pending-submits 64"

    /// The reference for the one-contact jobs and the campaign: N `sendsms` requests to Kannel at the same
    /// concurrency, counted at the same kind of sink. Its own sink log tag, so Herald's lines never count.
    func kannel(count: Int) async -> (rows: [Row], rate: Double?) {
        let folder = directory.appendingPathComponent("kannel")
        let kannel: E2EKannel
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            kannel = try await E2EKannel(directory: folder, sinkURL: sink.url)
        } catch {
            return ([E2EBench.skipped("Kannel 1.4.5 sendsms (reference)", error)], nil)
        }
        defer { kannel.stop() }
        let (client, port) = (client, kannel.sendsmsPort)
        // smsbox answers before it and the SMSC are connected to bearerbox; the warm-up waits for both.
        do {
            try await warmUp(tag: "e2ewarmk") {
                let url = E2EKannel.sendURL(port: port, to: "+989120000000", text: "code e2ewarmk")
                guard case let (status, _)? = try? await client.call("GET", url) else { return false }
                return (200..<300).contains(status)
            }
        } catch {
            return ([E2EBench.skipped("Kannel 1.4.5 sendsms (reference)", error)], nil)
        }
        var tallies = [SinkTally(tag: "e2ek")]
        let start = Self.now()
        let intake = await E2EClient.drive(count: count, concurrency: Self.concurrency) { index in
            let url = E2EKannel.sendURL(port: port, to: "+98912\(String(format: "%07d", index))", text: "code e2ek\(index)")
            guard case let (status, answer)? = try? await client.call("GET", url) else { return false }
            return (200..<300).contains(status) && answer.contains("Accepted")
        }
        let limit = 60 + count / 100
        let all = await follow(&tallies, limit: .seconds(limit)) { $0[0].count >= count }
        let tally = tallies[0]
        guard tally.count > 0 else {
            let reason = "nothing reached the sink (\(intake.failed) of \(count) sendsms refused)"
            return ([E2EBench.skipped("Kannel 1.4.5 sendsms (reference)", reason)], nil)
        }
        let rate = Double(tally.count) / (tally.last - start)
        let missing = all ? "" : "; only \(tally.count) of \(count) reached the sink within \(limit) s"
        let accepted = Double(intake.latencies.count) / intake.seconds
        let p99 = Self.milliseconds(E2EClient.quantile(intake.latencies, 0.99))
        return (
            [
                Row(scenario: "Kannel 1.4.5 sendsms, POST → provider (reference)", metric: "msgs/s", median: rate, unit: "/s",
                    note: "\(count) GET /cgi-bin/sendsms at concurrency \(Self.concurrency); \(Self.kannelSetup); sendsms answered at "
                        + "\(String(format: "%.0f", accepted))/s (p99 \(p99)), \(intake.failed) refused\(missing)"),
            ], rate
        )
    }
}
