import Foundation

/// `herald-bench e2e`: the real `herald` binary measured from outside, as a user meets it — jobs posted to
/// its HTTP API, SMS counted where they arrive (an nginx sink's access log) — beside Kannel's `sendsms` and
/// `wrk` against the same kind of sink, in the same run. Needs nginx, wrk and Kannel
/// (scripts/bench-setup.sh); a missing one is a skipped row, never a number.
enum E2EBench {
    struct Settings {
        /// One-contact transactional jobs (also the Kannel messages).
        var oneContact = 20_000
        /// Contacts in the campaign's segment.
        var campaign = 200_000
        var herald = ".build/release/herald"
        /// HERALD_BENCH_E2E_KEEP=1 keeps the temp folder (configs, logs, the SQLite file) and prints it.
        var keep = false
        /// Live-tail clients beside the fourth campaign, between two without (HERALD_BENCH_E2E_TAIL_CLIENTS; 0 skips
        /// those three).
        var tailClients = 100

        static func fromEnvironment() -> Settings {
            let environment = ProcessInfo.processInfo.environment
            var settings = Settings()
            if let value = environment["HERALD_BENCH_E2E_ONE"].flatMap(Int.init), value > 0 { settings.oneContact = value }
            if let value = environment["HERALD_BENCH_E2E_CAMPAIGN"].flatMap(Int.init), value > 0 { settings.campaign = value }
            if let path = environment["HERALD_BENCH_HERALD"], !path.isEmpty { settings.herald = path }
            settings.keep = environment["HERALD_BENCH_E2E_KEEP"] == "1"
            if let value = environment["HERALD_BENCH_E2E_TAIL_CLIENTS"].flatMap(Int.init), value >= 0 { settings.tailClients = value }
            return settings
        }
    }

    static func run(_ settings: Settings) async -> [Row] {
        let directory = Measure.temporaryDirectory("e2e")
        defer {
            if settings.keep {
                FileHandle.standardError.write(Data("herald-bench e2e: kept \(directory.path)\n".utf8))
            } else {
                try? FileManager.default.removeItem(at: directory)
            }
        }
        do {
            return try await measure(settings, in: directory)
        } catch {
            return [skipped("end to end through the real daemon", error)]
        }
    }

    /// A little longer than `ExpressTraffic`'s window.
    static let expressWindowPause: Duration = .seconds(11)

    static func skipped(_ scenario: String, _ reason: Any) -> Row {
        Row(scenario: scenario, metric: "skipped", median: 0, unit: "", note: "skipped: \(reason)")
    }

    /// Children in start order: nginx, herald (Kannel only for its own phase); every one is stopped on the
    /// way out, whatever failed.
    private static func measure(_ settings: Settings, in directory: URL) async throws -> [Row] {
        let nginxPath = try LoopbackTool.find("nginx")
        let sinkDirectory = directory.appendingPathComponent("sink")
        let heraldDirectory = directory.appendingPathComponent("herald")
        for folder in [sinkDirectory, heraldDirectory] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let sink = try await E2ESink(nginxPath: nginxPath, directory: sinkDirectory)
        defer { sink.stop() }
        let client = E2EClient(connections: 64)
        let herald: E2EHerald
        do {
            herald = try E2EHerald(binary: settings.herald, directory: heraldDirectory, sinkURL: sink.url)
        } catch {
            await client.shutdown()
            throw error
        }
        let phases = E2EPhases(client: client, herald: herald, sink: sink, directory: directory)
        var rows: [Row] = []
        do {
            try await herald.ready(client)
        } catch {
            herald.stop()
            await client.shutdown()
            throw error
        }
        var oneContactRate: Double?
        rows += await E2EPhases.guarded("one-contact jobs") {
            let (measured, rate) = try await phases.oneContactJobs(count: settings.oneContact)
            oneContactRate = rate
            return measured
        }
        let kannel = await phases.kannel(count: settings.oneContact)
        rows += kannel.rows
        if let oneContactRate, let kannelRate = kannel.rate {
            rows.append(
                Row(scenario: "one-contact jobs against Kannel", metric: "× Kannel", median: oneContactRate / kannelRate, unit: "×",
                    note: "Herald's POST → provider rate over Kannel's sendsms rate, same driving (target ≥ 3×)", format: "%.2f"))
        }
        let ceiling = await phases.drivingCeiling(count: settings.oneContact)
        rows += ceiling.rows
        if let ceilingRate = ceiling.rate, let kannelRate = kannel.rate {
            rows.append(
                Row(scenario: "the driving's own ceiling against Kannel", metric: "× Kannel", median: ceilingRate / kannelRate,
                    unit: "×", note: "the most any gateway could show against Kannel, driven this way on this machine", format: "%.2f"))
        }
        // The daemon keeps bulk work in small bites for 10 s after express jobs (the one-contact jobs and the OTPs
        // are express): the two campaigns compared with each other each start after that window.
        try? await Task.sleep(for: expressWindowPause)
        rows += await E2EPhases.guarded("campaign") {
            try await phases.campaign(contacts: settings.campaign, kannelRate: kannel.rate)
        }
        rows += await E2EPhases.guarded("OTP under a campaign") {
            try await phases.otpUnderCampaign(contacts: settings.campaign, otps: min(100, settings.oneContact))
        }
        let firstRate = rows.first { $0.scenario == "campaign: POST → last message at the provider" }?.median
        let firstCPU = rows.first { $0.scenario == E2EPhases.campaignCPU }?.median
        if settings.tailClients > 0 {
            let first = firstRate.flatMap { rate in firstCPU.map { E2EPhases.CampaignCost(rate: rate, cpuPerThousand: $0) } }
            rows += await E2EPhases.guarded("campaign with live-tail clients") {
                try await phases.liveTail(contacts: settings.campaign, clients: settings.tailClients, firstCampaign: first)
            }
        }
        rows += phases.footprint()
        herald.stop()
        await client.shutdown()
        return rows
    }
}
