import Foundation
import HeraldCore
import HeraldStorePostgres
import HeraldStoreSQLite

/// `herald-bench cluster`: fan-out and engine throughput with 1, 2, 3… node processes on one PostgreSQL
/// database, beside one node on SQLite, in the same run (configurations interleaved round by round, so the
/// machine's noise hits them alike). Each node is a `herald-bench node` child with its own store and engine;
/// the database is the only thing they share. Six jobs of a sixth of the audience each, so fan-out work can be
/// split between nodes (one job's fan-out belongs to one node at a time).
enum ClusterBench {
    struct Phase {
        var units = 0
        var seconds = 0.0
        var nodeCPU = 0.0
        var serverCPU = 0.0
        var waits: [String: Int] = [:]
    }

    struct Result {
        var importRate = 0.0
        var fanoutRate = 0.0
        var engineRate = 0.0
        var fanout = Phase()
        var dispatch = Phase()
        var sendsCheck = ""
    }

    static let jobs = 6

    static func run(contacts: Int, postgresURL: String, nodeCounts: [Int], rounds: Int) async throws -> [Row] {
        let probe = try await DatabaseProbe(url: postgresURL)
        let configurations = [0] + nodeCounts  // 0: one node on SQLite
        var results: [Int: [Result]] = [:]
        for round in 1...rounds {
            for nodes in configurations {
                let result = try await runOnce(
                    nodes: nodes, contacts: contacts, postgresURL: postgresURL, probe: probe, tag: "r\(round)")
                print(
                    "round \(round) \(label(nodes)): import \(Int(result.importRate))/s, fan-out \(Int(result.fanoutRate))/s, "
                        + "engine \(Int(result.engineRate))/s, \(result.sendsCheck)")
                results[nodes, default: []].append(result)
            }
        }
        await probe.close()
        return ClusterReport.rows(results: results, configurations: configurations, contacts: contacts)
    }

    static func label(_ nodes: Int) -> String { nodes == 0 ? "SQLite, 1 node" : "PostgreSQL, \(nodes) node\(nodes == 1 ? "" : "s")" }

    private static func runOnce(nodes: Int, contacts count: Int, postgresURL: String, probe: DatabaseProbe, tag: String)
        async throws -> Result
    {
        let directory = Measure.temporaryDirectory("cluster")
        defer { try? FileManager.default.removeItem(at: directory) }
        let schema = "bench_\(tag)_\(nodes)n_\(getpid())"
        let storage: String
        if nodes == 0 {
            storage = directory.appendingPathComponent("bench.sqlite").path
        } else {
            try await probe.execute("CREATE SCHEMA \(schema)")
            storage = postgresURL + (postgresURL.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
        var result = Result()
        var jobIds: [Int64] = []
        do {
            let store: any Store = nodes == 0 ? try SQLiteStore(path: storage) : try PostgresStore(url: storage)
            try await store.migrate()
            let now = Date()
            let importSeconds = try await Measure.seconds {
                for start in stride(from: 0, to: count, by: 5000) {
                    try await store.upsertContacts((start..<min(start + 5000, count)).map(Fixtures.contact), at: now)
                }
            }
            result.importRate = Double(count) / importSeconds
            // Fixtures spread days_inactive over 0..<90: six segments of 15 days are six equal sixths.
            for part in 0..<jobs {
                var spec = Fixtures.job(
                    key: "cluster-\(part)",
                    segment: "attributes.days_inactive >= \(part * 15) and attributes.days_inactive < \((part + 1) * 15)")
                spec.channels = [.sms]
                if case .created(let job) = try await store.createJob(spec, bodyHash: spec.canonicalHash(), at: now) {
                    jobIds.append(job.id)
                }
            }
            try await store.close()
        }
        let outboxes = (0..<max(nodes, 1)).map { directory.appendingPathComponent("outbox-\($0).ndjson").path }
        let database = nodes == 0 ? nil : probe
        result.fanout = try await phase("fanout", storage: storage, outboxes: outboxes, probe: database)
        result.dispatch = try await phase("dispatch", storage: storage, outboxes: outboxes, probe: database)

        let store: any Store = nodes == 0 ? try SQLiteStore(path: storage) : try PostgresStore(url: storage)
        var written = 0
        var sent = 0
        for id in jobIds {
            let progress = try await store.progress(jobId: id)
            written += progress.total
            sent += progress.byState["sent"] ?? 0
        }
        try await store.close()
        let lines = outboxes.flatMap(Self.deliveryIds)
        result.sendsCheck =
            "\(written) deliveries, \(sent) sent, \(lines.count) outbox lines, \(Set(lines).count) distinct"
        if nodes > 0 { try await probe.execute("DROP SCHEMA \(schema) CASCADE") }
        result.fanoutRate = Double(written) / result.fanout.seconds
        result.engineRate = Double(result.dispatch.units) / result.dispatch.seconds
        return result
    }

    /// Starts one child per outbox, lets them all go at once, and times until the last one is done.
    private static func phase(_ name: String, storage: String, outboxes: [String], probe: DatabaseProbe?) async throws
        -> Phase
    {
        let children = try outboxes.map { try NodeProcess(phase: name, storage: storage, outbox: $0) }
        defer { children.forEach { $0.finish() } }
        for child in children where await child.nextLine() != "ready" {
            throw HeraldError(code: "bench", message: "node \(child.pid) did not start")
        }
        let serverBefore = probe?.serverCPU() ?? [:]
        let sampler = Task { await probe?.sampleWaits() ?? [:] }
        let clock = ContinuousClock()
        let start = clock.now
        for child in children { child.send("go") }
        var result = Phase()
        for child in children {
            guard let line = await child.nextLine(), line.hasPrefix("done ") else {
                throw HeraldError(code: "bench", message: "node \(child.pid) failed in \(name)")
            }
            let fields = line.split(separator: " ")
            result.units += Int(fields[1]) ?? 0
            result.nodeCPU += Double(fields[2]) ?? 0
        }
        let elapsed = clock.now - start
        result.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        sampler.cancel()
        result.waits = await sampler.value
        let serverAfter = probe?.serverCPU() ?? [:]
        result.serverCPU = serverAfter.reduce(0) { $0 + $1.value - (serverBefore[$1.key] ?? 0) }
        return result
    }

    private static func deliveryIds(_ path: String) -> [Int64] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            return (object?["delivery_id"] as? NSNumber)?.int64Value
        }
    }
}
