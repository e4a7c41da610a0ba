import Foundation

extension E2EPhases {
    /// What one marketing job to the whole segment did, seen from outside.
    struct CampaignRun {
        var jobId: Int64
        var posted: Double
        var tally: SinkTally
        var complete: Bool
        /// POST → the first poll that saw the job past `accepted` / `fanning_out`.
        var fanOutSeconds: Double?

        var rate: Double { tally.count > 0 ? Double(tally.count) / (tally.last - posted) : 0 }
    }

    /// Contacts `m0…` in the segment `attributes.country == "IR"`, with a first name the campaign's text greets,
    /// each with marketing consent on every channel and topic, imported through `POST /v1/consents/batch` in
    /// NDJSON chunks of 10,000.
    func campaignAudience(contacts: Int) async throws -> [Row] {
        let upsert = try await upsertContacts(count: contacts) { index in
            #"{"id":"m\#(index)","phone":"+98935\#(String(format: "%07d", index))","timezone":"Asia/Tehran","attributes":{"country":"IR","first_name":"سارا"}}"#
        }
        let url = "\(herald.baseURL)/v1/consents/batch"
        let grants = try await Measure.seconds {
            for start in stride(from: 0, to: contacts, by: 10_000) {
                let body = (start..<min(start + 10_000, contacts)).map { index in
                    #"{"contact_id":"m\#(index)","channel":"*","topic":"*","status":"granted","source":"herald-bench","occurred_at":"2026-01-01T00:00:00Z"}"#
                }.joined(separator: "\n")
                let (status, answer) = try await client.call("POST", url, key: herald.key, body: body, contentType: "application/x-ndjson")
                guard status == 201 else { throw HeraldBenchError("consents batch answered \(status): \(answer.prefix(300))") }
            }
        }
        return [
            Row(scenario: "campaign: contacts upsert (setup)", metric: "contacts/s", median: Double(contacts) / upsert, unit: "/s",
                note: "\(contacts) contacts with attributes.country and first_name, NDJSON chunks of 5,000"),
            Row(scenario: "campaign: consent grants (setup)", metric: "consents/s", median: Double(contacts) / grants, unit: "/s",
                note: "POST /v1/consents/batch, NDJSON chunks of 10,000, appended to the hash chain"),
        ]
    }

    /// The raw limit of the same nginx location at the daemon's concurrency; its log lines are skipped.
    func wrkRate() async throws -> Double {
        let wrk = try LoopbackTool.find("wrk")
        let (output, _) = try await LoopbackTool.run(
            wrk, ["-t2", "-c64", "-d10s", "\(sink.url)/sms?to=%2B989350000000&text=\(Self.greeting)%2C%20offer%20e2ewrk"], limit: .seconds(40))
        sink.log.readNew { _, _ in }
        return try HTTPDriverBench.parseWrk(output).rate
    }

    /// The campaign greets each contact by name, as real campaigns do, so its sends render a template.
    static func campaignJob(tag: String) -> String {
        #"{"idempotency_key":"e2e-campaign-\#(tag)","purpose":"marketing","audience":{"segment":"attributes.country == \"IR\""},"#
            + #""channels":["sms"],"content":{"sms":{"text":"{{attributes.first_name}}, offer \#(tag)"}}}"#
    }

    /// "سارا" as the campaign's requests carry it, so wrk sends the same bytes.
    static let greeting = "%D8%B3%D8%A7%D8%B1%D8%A7"

    /// Posts the campaign; `during` runs once it is accepted (the OTPs), then the sink is followed until the
    /// campaign and every `extra` tally are complete.
    func sendCampaign<Result>(
        tag: String, contacts: Int, extra: [SinkTally] = [], during: () async -> Result
    ) async throws -> (run: CampaignRun, extra: [SinkTally], during: Result) {
        let (client, base, key) = (client, herald.baseURL, herald.key)
        let posted = Self.now()
        guard let id = await Self.postJob(client, base: base, key: key, body: Self.campaignJob(tag: tag)) else {
            throw HeraldBenchError("the campaign job was not accepted")
        }
        let limit = 60 + contacts / 500
        async let fanOut = Self.fanOutSeconds(client, base: base, key: key, job: id, posted: posted, limit: .seconds(limit))
        let result = await during()
        var tallies = [SinkTally(tag: tag)] + extra
        let complete = await follow(&tallies, limit: .seconds(limit)) { current in
            current[0].count >= contacts && current.dropFirst().allSatisfy { $0.count >= $0.expected }
        }
        let run = CampaignRun(jobId: id, posted: posted, tally: tallies[0], complete: complete, fanOutSeconds: await fanOut)
        return (run, Array(tallies.dropFirst()), result)
    }

    /// Polls the job every 50 ms until it is past fan-out; nil if it never got there within `limit`.
    static func fanOutSeconds(
        _ client: E2EClient, base: String, key: String, job: Int64, posted: Double, limit: Duration
    ) async -> Double? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if case let (status, answer)? = try? await client.call("GET", "\(base)/v1/jobs/\(job)", key: key), status == 200,
                !answer.contains(#""status":"accepted""#), !answer.contains(#""status":"fanning_out""#)
            {
                return now() - posted
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    static let campaignCPU = "campaign: herald CPU per 1,000 messages"

    /// Setup, the wrk reference, then one marketing job to the whole segment: POST → last message at the
    /// sink, and fan-out time.

    func campaign(contacts: Int, kannelRate: Double?) async throws -> [Row] {
        var rows = try await campaignAudience(contacts: contacts)
        var wrk: Double?
        do {
            wrk = try await wrkRate()
            rows.append(
                Row(scenario: "HTTP raw limit (wrk) to the same nginx (reference)", metric: "requests/s", median: wrk ?? 0, unit: "/s",
                    note: "wrk -t2 -c64 -d10s GET /sms?to=…&text=…, the request Herald's profile makes"))
        } catch {
            rows.append(E2EBench.skipped("HTTP raw limit (wrk) (reference)", error))
        }
        let cpuBefore = herald.cpuSeconds()
        let (run, _, _) = try await sendCampaign(tag: "e2ec1", contacts: contacts) {}
        let cpuPerThousand = herald.cpuPerThousand(since: cpuBefore, messages: contacts)
        let view = await job(run.jobId)
        let states = (view?["by_state"] as? [String: Any]).map { $0.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ") } ?? "?"
        let missing = run.complete ? "" : "; only \(run.tally.count) of \(contacts) reached the sink within the limit"
        var against: [String] = []
        if let wrk { against.append("\(DriverBench.percent(run.rate, of: wrk)) of wrk (target ≥ 50%)") }
        if let kannelRate { against.append(String(format: "%.1f× Kannel (target ≥ 10×)", run.rate / kannelRate)) }
        if let fanOut = run.fanOutSeconds {
            rows.append(
                Row(scenario: "campaign: fan-out", metric: "deliveries/s", median: Double(contacts) / fanOut, unit: "/s",
                    note: "\(contacts) contacts in \(String(format: "%.2f", fanOut)) s, POST → job past fanning_out (polled every 50 ms)"))
        } else {
            rows.append(E2EBench.skipped("campaign: fan-out", "the job was still fanning out when the wait ended"))
        }
        let took = String(format: "%.1f", run.tally.last - run.posted)
        rows.append(
            Row(scenario: "campaign: POST → last message at the provider", metric: "msgs/s", median: run.rate, unit: "/s",
                note: "\(against.joined(separator: "; ")); one marketing job, \(contacts) contacts in \(took) s; job by_state: \(states)\(missing)"))
        rows.append(
            Row(scenario: Self.campaignCPU, metric: "ms", median: cpuPerThousand, unit: "ms",
                note: "herald's own CPU (user + system) per 1,000 messages of the campaign above", format: "%.0f"))
        return rows
    }
}
