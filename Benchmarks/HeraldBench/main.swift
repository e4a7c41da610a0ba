import Foundation
import HeraldStoreSQLite

// herald-bench [policy|fanout|consents|postgres|cluster|drivers|codec|e2e|webhooks|all] — prints a Markdown table for BENCHMARKS.md.
// `all` leaves out `drivers` and `e2e`: they need nginx, wrk, Postfix's tools and Kannel (scripts/bench-setup.sh).
// Before anything opens SQLite, as the daemon's main does.
SQLiteProcessSettings.apply()
let arguments = Array(CommandLine.arguments.dropFirst())
let which = arguments.first ?? "all"
// `herald-bench node PHASE STORAGE OUTBOX`: a child of `cluster`, not run by hand.
if which == "node", arguments.count == 4 {
    try await ClusterNode.run(phase: arguments[1], storage: arguments[2], outbox: arguments[3])
    exit(0)
}
let contacts = Int(ProcessInfo.processInfo.environment["HERALD_BENCH_CONTACTS"] ?? "") ?? 1_000_000

var rows: [Row] = []
if which == "policy" || which == "all" {
    rows += try await PolicyBench.run(decisions: 1_000_000, rounds: 5)
}
if which == "fanout" || which == "all" {
    rows += try await FanoutBench.run(contacts: contacts)
}
// HERALD_BENCH_POSTGRES=postgres://…?schema=fresh: the same scenario on PostgreSQL (one node).
if which == "postgres", let url = ProcessInfo.processInfo.environment["HERALD_BENCH_POSTGRES"] {
    rows += try await FanoutBench.run(contacts: contacts, postgresURL: url)
}
// HERALD_BENCH_POSTGRES=postgres://… (a database; each run makes and drops its own schema),
// HERALD_BENCH_NODES=1,2,3, HERALD_BENCH_ROUNDS=3: node processes on one database, beside SQLite.
if which == "cluster", let url = ProcessInfo.processInfo.environment["HERALD_BENCH_POSTGRES"] {
    let environment = ProcessInfo.processInfo.environment
    let nodes = (environment["HERALD_BENCH_NODES"] ?? "1,2,3").split(separator: ",").compactMap { Int($0) }
    let rounds = Int(environment["HERALD_BENCH_ROUNDS"] ?? "") ?? 3
    rows += try await ClusterBench.run(contacts: contacts, postgresURL: url, nodeCounts: nodes, rounds: rounds)
}
// `codec`: only the HTTP driver's, the live tail's, SMS length's and stored contacts' own per-message work, no network
// (HERALD_BENCH_CODEC_CALLS, _ROUNDS).
if which == "codec" {
    let environment = ProcessInfo.processInfo.environment
    let calls = Int(environment["HERALD_BENCH_CODEC_CALLS"] ?? "") ?? 1_000_000
    let rounds = Int(environment["HERALD_BENCH_CODEC_ROUNDS"] ?? "") ?? 5
    rows += try await ProfileCodecBench.run(calls: calls, rounds: rounds)
    rows += LiveTailCodecBench.run(events: calls, rounds: rounds)
    rows += SMSLengthBench.run(calls: calls, rounds: rounds)
    rows += StoredContactBench.run(calls: calls, rounds: rounds)
}
// `consents`: bulk consent import and audit verify on SQLite (HERALD_BENCH_CONSENTS, default 100,000).
if which == "consents" || which == "all" {
    let events = Int(ProcessInfo.processInfo.environment["HERALD_BENCH_CONSENTS"] ?? "") ?? 100_000
    rows += try await ConsentImportBench.run(events: events, rounds: 3)
}
// `webhooks`: a campaign with status webhooks off, then on (HERALD_BENCH_WEBHOOK_DELIVERIES, default 100,000;
// HERALD_BENCH_POSTGRES=postgres://…?schema=NAME runs it on PostgreSQL, in schemas NAME_off0, NAME_rec0, NAME_on0, … per round, which must exist; HERALD_BENCH_ROUNDS, default 3).
if which == "webhooks" {
    let environment = ProcessInfo.processInfo.environment
    let deliveries = Int(environment["HERALD_BENCH_WEBHOOK_DELIVERIES"] ?? "") ?? 100_000
    rows += try await WebhookBench.run(deliveries: deliveries, postgresURL: environment["HERALD_BENCH_POSTGRES"])
}
if which == "drivers" {
    rows += await DriverBench.run()
}
// `e2e`: the real `herald` binary from outside, beside Kannel and wrk (HERALD_BENCH_E2E_ONE,
// HERALD_BENCH_E2E_CAMPAIGN, HERALD_BENCH_HERALD; see E2EBench).
if which == "e2e" {
    rows += await E2EBench.run(.fromEnvironment())
}
print("| scenario | metric | median | notes |")
print("|---|---|---|---|")
for row in rows { print(row.markdown) }
