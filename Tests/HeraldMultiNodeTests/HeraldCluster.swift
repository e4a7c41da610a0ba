import Foundation
import HeraldTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Several real `herald serve` processes on one fresh PostgreSQL schema, each with its own port, data
/// directory and `log` outbox file. `shutdown()` kills whatever is still running; call it in a `defer`.
final class HeraldCluster: @unchecked Sendable {
    struct Node {
        let index: Int
        let port: Int
        let configPath: String
        let outboxPath: String
        var process: Process?
    }

    /// The binary `swift build` produced (the README's test command builds all products first).
    static let binary: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/herald")

    /// The test's environment without `HERALD_*` overrides, so only the written config decides.
    static var nodeEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HERALD_") }
    }

    let directory: URL
    let schema: String
    /// The server the schema lives on: the shared test server unless a test brings its own.
    let server: String
    let storage: String
    private(set) var nodes: [Node] = []
    private let lock = NSLock()

    /// `engine`, `policy` and `channels` are YAML appended verbatim to every node's config; `channels`
    /// replaces the default unlimited `log` channel (`OUTBOX` stands for the node's outbox path).
    init(nodes count: Int, engine: String, policy: String = "", channels: String? = nil, server: String? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw ClusterError("\(Self.binary.path) is missing: run `swift build` before `swift test`")
        }
        let base = try server ?? MultiNodeEnvironment.serverURL()
        self.server = base
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-mn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        schema = "herald_mn_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try Psql.run(base, "CREATE SCHEMA \(schema)")
        storage = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        // One unsubscribe secret for every node, so a link signed by one verifies on all.
        let secret = directory.appendingPathComponent("unsubscribe.secret")
        try Data(UUID().uuidString.utf8).write(to: secret)
        let ports = try FreePorts.pick(count)
        for index in 0..<count {
            let nodeDirectory = directory.appendingPathComponent("node\(index)")
            try FileManager.default.createDirectory(at: nodeDirectory, withIntermediateDirectories: true)
            let outbox = nodeDirectory.appendingPathComponent("outbox.ndjson").path
            let config = """
                listen: 127.0.0.1:\(ports[index])
                storage: "\(storage)"
                data_dir: \(nodeDirectory.path)
                log_level: warning
                auth:
                  unsubscribe_secret_file: \(secret.path)
                channels:
                  \((channels ?? "- {id: log-sms, kind: sms, driver: log, options: {path: OUTBOX}}")
                    .replacingOccurrences(of: "OUTBOX", with: outbox))
                \(engine)
                \(policy)
                """
            let path = nodeDirectory.appendingPathComponent("herald.yaml").path
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            nodes.append(Node(index: index, port: ports[index], configPath: path, outboxPath: outbox))
        }
    }

    /// Runs a CLI command against node 0's config and returns its standard output. The wait for the child
    /// suspends instead of blocking: the test process shares a two-thread pool with in-process transactions
    /// the child may be waiting for (e.g. the migration lock), and a blocked thread could starve them.
    @discardableResult
    func cli(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments + ["--config", nodes[0].configPath]
        process.currentDirectoryURL = directory
        process.environment = Self.nodeEnvironment
        let output = try touch("cli-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let log = try FileHandle(forWritingTo: touch("cli.log"))
        try log.seekToEnd()
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = log
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in done.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                done.resume()
            }
        }
        let text = String(decoding: (try? Data(contentsOf: output)) ?? Data(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw ClusterError("herald \(arguments.first ?? "") exited \(process.terminationStatus): \(text)")
        }
        return text
    }

    /// Starts every node and waits until each answers `/readyz` with 200.
    func start() async throws {
        for index in nodes.indices {
            let process = Process()
            process.executableURL = Self.binary
            process.arguments = ["serve", "--config", nodes[index].configPath]
            process.currentDirectoryURL = directory
            process.environment = Self.nodeEnvironment
            let log = try FileHandle(forWritingTo: touch("node\(index)/serve.log"))
            process.standardOutput = log
            process.standardError = log
            try process.run()
            lock.withLock { nodes[index].process = process }
        }
        for node in nodes { try await NodeHTTP.waitReady(port: node.port) }
    }

    /// SIGKILL: no graceful drain, leases stay behind exactly as after a crash.
    func kill(_ index: Int) {
        guard let process = lock.withLock({ nodes[index].process }), process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func shutdown() {
        for node in lock.withLock({ nodes }) {
            guard let process = node.process, process.isRunning else { continue }
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? Psql.run(server, "DROP SCHEMA \(schema) CASCADE")
        try? FileManager.default.removeItem(at: directory)
    }

    private func touch(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        return url
    }
}

struct ClusterError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum MultiNodeEnvironment {
    static let skipped = ProcessInfo.processInfo.environment["HERALD_SKIP_POSTGRES"] == "1"

    static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw ClusterError(
                "HERALD_TEST_POSTGRES_URL is not set: run `bash scripts/postgres.sh start` and export the URL it prints "
                    + "(scripts/test.sh does both), or set HERALD_SKIP_POSTGRES=1 to skip the multi-node tests")
        }
        return url
    }
}
