import Foundation

/// A PostgreSQL server of the test's own (scripts/postgres.sh on a free port and a fresh data directory),
/// so the test can stop and restart it under running nodes without disturbing the shared test server.
struct PrivatePostgres {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/postgres.sh").path

    let port: Int
    let dataDirectory: String
    let url: String

    /// initdb + start; throws with the script's output when it fails.
    static func create() throws -> PrivatePostgres {
        let port = try FreePorts.pick(1)[0]
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pg-\(UUID().uuidString)").path
        let url = try run("start", port: port, data: data).trimmingCharacters(in: .whitespacesAndNewlines)
        return PrivatePostgres(port: port, dataDirectory: data, url: url)
    }

    /// `pg_ctl stop -m fast`: every client connection is cut, as when the database host goes down.
    func stop() throws { _ = try Self.run("stop", port: port, data: dataDirectory) }

    func start() throws { _ = try Self.run("start", port: port, data: dataDirectory) }

    /// Stops the server and deletes its data.
    func remove() {
        try? stop()
        try? FileManager.default.removeItem(atPath: dataDirectory)
        try? FileManager.default.removeItem(atPath: dataDirectory + ".initdb.log")
    }

    private static func run(_ command: String, port: Int, data: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // Foundation notices a child's exit when every copy of a descriptor it hands the child is closed; the
        // server pg_ctl starts would inherit one and outlive the script, so the wrapper closes all but 0–2.
        process.arguments = [
            "-c",
            #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-" 2>/dev/null; done; "#
                + #"exec bash "$0" "$1""#,
            script, command,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["HERALD_PG_PORT"] = String(port)
        environment["HERALD_PG_DATA"] = data
        process.environment = environment
        // A file, not a pipe, for the same reason.
        let outputPath = data + ".\(command).out"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else { throw ClusterError("postgres.sh \(command) failed: \(text)") }
        return text
    }
}
