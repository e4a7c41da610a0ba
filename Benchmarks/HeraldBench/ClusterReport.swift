import Foundation

/// The `cluster` table: medians per configuration, the ratio to SQLite from the same run, where the CPU went
/// (cores busy in the nodes and in the PostgreSQL server, over the phase's wall time), and what the nodes'
/// database sessions were doing when sampled.
enum ClusterReport {
    static func rows(results: [Int: [ClusterBench.Result]], configurations: [Int], contacts: Int) -> [Row] {
        let sqlite = results[0] ?? []
        let sqliteFanout = Measure.median(sqlite.map(\.fanoutRate))
        let sqliteEngine = Measure.median(sqlite.map(\.engineRate))
        var rows: [Row] = []
        for nodes in configurations {
            let runs = results[nodes] ?? []
            let label = ClusterBench.label(nodes)
            let fanout = Measure.median(runs.map(\.fanoutRate))
            let engine = Measure.median(runs.map(\.engineRate))
            rows.append(
                Row(
                    scenario: "fan-out (\(label))", metric: "deliveries/s", median: fanout, unit: "/s",
                    note: "\(ratio(fanout, sqliteFanout)) of SQLite; \(cpu(runs.map(\.fanout))); \(waits(runs.map(\.fanout)))"))
            rows.append(
                Row(
                    scenario: "engine → log driver (\(label))", metric: "deliveries/s", median: engine, unit: "/s",
                    note: "\(ratio(engine, sqliteEngine)) of SQLite; \(cpu(runs.map(\.dispatch))); \(waits(runs.map(\.dispatch)))"))
        }
        let checks = configurations.map { nodes in
            let distinct = Set((results[nodes] ?? []).map(\.sendsCheck))
            return "\(ClusterBench.label(nodes)): " + distinct.sorted().joined(separator: " / ")
        }
        rows.append(
            Row(
                scenario: "check", metric: "", median: Double(contacts), unit: "contacts",
                note: "rates per round: " + configurations.map { nodes in
                    "\(ClusterBench.label(nodes)) fan-out "
                        + (results[nodes] ?? []).map { String(Int($0.fanoutRate)) }.joined(separator: "/") + ", engine "
                        + (results[nodes] ?? []).map { String(Int($0.engineRate)) }.joined(separator: "/")
                }.joined(separator: "; ") + ". " + checks.joined(separator: "; ")))
        return rows
    }

    private static func ratio(_ value: Double, _ reference: Double) -> String {
        String(format: "%.2f×", value / reference)
    }

    /// Median cores busy: in the node processes, and in the PostgreSQL server (postmaster and its children).
    private static func cpu(_ phases: [ClusterBench.Phase]) -> String {
        let nodes = Measure.median(phases.map { $0.nodeCPU / $0.seconds })
        let server = Measure.median(phases.map { $0.serverCPU / $0.seconds })
        return String(format: "cores busy: nodes %.2f, postgres %.2f", nodes, server)
    }

    /// Share of sampled node sessions by activity, largest first (all rounds together).
    private static func waits(_ phases: [ClusterBench.Phase]) -> String {
        let tally = phases.reduce(into: [String: Int]()) { total, phase in total.merge(phase.waits, uniquingKeysWith: +) }
        let samples = tally.values.reduce(0, +)
        guard samples > 0 else { return "no session samples" }
        return "sessions: "
            + tally.sorted { $0.value > $1.value }.prefix(6).map {
                "\($0.key) \(Int((Double($0.value) * 100 / Double(samples)).rounded()))%"
            }.joined(separator: ", ")
    }
}
