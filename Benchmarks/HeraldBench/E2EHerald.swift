import Foundation

/// The real `herald serve` as a child: a config in a temp folder (SQLite, one `http` SMS instance whose
/// profile sends `GET /sms?to=…&text=…` to the sink), started, waited for at /readyz, and its admin key.
final class E2EHerald {
    let port: Int
    let directory: URL
    private let process: Process
    private(set) var key = ""

    init(binary: String, directory: URL, sinkURL: String) throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HeraldBenchError("no herald binary at \(binary) (swift build -c release --product herald, or set HERALD_BENCH_HERALD)")
        }
        self.directory = directory
        port = try LoopbackTool.freePort()
        let profiles = directory.appendingPathComponent("profiles/bench-sms")
        try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
        try Self.profile.write(to: profiles.appendingPathComponent("profile.yaml"), atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("herald.yaml")
        try Self.config(port: port, directory: directory.path, sinkURL: sinkURL).write(to: config, atomically: true, encoding: .utf8)

        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--config", config.path]
        process.currentDirectoryURL = directory
        let logPath = directory.appendingPathComponent("herald.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var pid: Int32 { process.processIdentifier }

    /// Waits (bounded: ~30 s) for /readyz to answer 200, then reads the admin key written on first start.
    func ready(_ client: E2EClient) async throws {
        for _ in 0..<300 {
            guard process.isRunning else { throw HeraldBenchError("herald exited at start: \(logTail())") }
            if case let (status, _)? = try? await client.call("GET", "\(baseURL)/readyz"), status == 200 {
                let keyFile = directory.appendingPathComponent("data/admin.key")
                key = try String(contentsOf: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HeraldBenchError("herald not ready after 30 s: \(logTail())")
    }

    /// CPU seconds the daemon has used so far (user + system, from /proc/PID/stat).
    func cpuSeconds() -> Double { ProcessCPU.seconds(of: pid) }

    /// Herald's CPU in milliseconds per 1,000 messages since `before` (a `cpuSeconds()` reading).
    func cpuPerThousand(since before: Double, messages: Int) -> Double {
        (cpuSeconds() - before) * 1_000_000 / Double(max(messages, 1))
    }

    /// Peak resident set size of the daemon so far (VmHWM), in MiB.
    func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
        }
        return 0
    }

    /// Log lines at warning level or above, by message, for the report (the daemon logs JSON lines).
    func complaints() -> [String: Int] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("herald.log"), encoding: .utf8) else { return [:] }
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n")
        where line.contains("\"level\":\"warning\"") || line.contains("\"level\":\"error\"") || line.contains("\"level\":\"critical\"") {
            let message = line.range(of: "\"msg\":\"").map { line[$0.upperBound...].prefix { $0 != "\"" } } ?? line.prefix(120)
            counts[String(message), default: 0] += 1
        }
        return counts
    }

    func stop() { LoopbackTool.stop(process) }

    private func logTail() -> String {
        let text = (try? String(contentsOf: directory.appendingPathComponent("herald.log"), encoding: .utf8)) ?? ""
        return String(text.suffix(400))
    }

    /// `policy` is spelled out empty so no quiet hours or caps hold marketing back.
    static func config(port: Int, directory: String, sinkURL: String) -> String {
        """
        listen: 127.0.0.1:\(port)
        storage: sqlite:\(directory)/herald.sqlite
        data_dir: \(directory)/data
        profiles_dir: \(directory)/profiles
        policy:
          quiet_hours: []
          caps: []
        channels:
          - id: sms-bench
            kind: sms
            driver: http
            profile: bench-sms
            concurrency: 64
            options:
              base_url: \(sinkURL)

        """
    }

    /// The request Kannel's generic HTTP SMSC makes, with no rate of its own (the instance is unlimited).
    static let profile = """
        id: bench-sms
        kind: sms
        description: herald-bench e2e sink (GET /sms?to=…&text=…)
        base_url: http://127.0.0.1:9
        request:
          method: GET
          path: /sms
          encoding: query
          body:
            to: "{{to}}"
            text: "{{text}}"
        response:
          format: text
          message_id: { value: "{{delivery_id}}" }
          classify:
            - status: "2xx"
              outcome: sent
            - status: [429, "500-599"]
              outcome: retry
          otherwise: permanent

        """
}
