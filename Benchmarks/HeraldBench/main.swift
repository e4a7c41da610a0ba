import Foundation

// herald-bench [policy|fanout|postgres|drivers|all] — prints a Markdown table for BENCHMARKS.md.
// `all` leaves out `drivers`: it needs nginx, wrk and Postfix's tools (scripts/bench-setup.sh).
let arguments = CommandLine.arguments.dropFirst()
let which = arguments.first ?? "all"
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
if which == "drivers" {
    rows += await DriverBench.run()
}
print("| scenario | metric | median | notes |")
print("|---|---|---|---|")
for row in rows { print(row.markdown) }
