import Foundation
import Testing

/// The real `herald` binary, started as a separate process in its own working directory — what an
/// operator runs. The README's test command builds every product before the tests run.
final class DaemonProcess: @unchecked Sendable {
    static let binary: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent(".build/debug/herald")
    }()

    let directory: URL
    let port: Int
    private(set) var process: Process?
    /// What `start()` runs and how it reaches /healthz; a TLS test changes all three.
    lazy var serveArguments = ["serve", "--listen", "127.0.0.1:\(port)"]
    var scheme = "http"
    var curlArguments: [String] = []
    /// Added to `serve` (e.g. `--config`), and to the daemon's environment (e.g. a secret's variable).
    var extraArguments: [String] = []
    var extraEnvironment: [String: String] = [:]

    /// Removed when this is released, unless the test gave its own.
    private let ownsDirectory: Bool

    init(directory: URL? = nil) throws {
        ownsDirectory = directory == nil
        self.directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("herald-daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        port = try FreePort.find()
    }

    var base: String { "\(scheme)://127.0.0.1:\(port)" }
    var adminKey: String {
        get throws {
            try String(contentsOf: directory.appendingPathComponent("herald-data/admin.key"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Starts `herald serve` (with `arguments` after `--listen`, e.g. `--config FILE`) and waits for /healthz.
    func start(arguments: [String] = []) async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the herald product first")
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = serveArguments + extraArguments + arguments
        if !extraEnvironment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }
        }
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if (try? await HTTP.request("GET", "\(base)/healthz", body: nil, key: nil, curlArguments: curlArguments).status)
                == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DaemonError.notStarted
    }

    /// SIGKILL: no shutdown code runs.
    func kill9() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// SIGTERM, then the exit status once the daemon has drained and closed.
    func terminate() -> Int32 {
        guard let process else { return -1 }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    deinit {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    enum DaemonError: Error { case notStarted }
}

enum FreePort {
    /// Binds port 0 on loopback and reads back the port the kernel chose.
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A tiny blocking-free HTTP client on URLSession-less Foundation: enough for tests against loopback.
enum HTTP {
    struct Reply {
        var status: Int
        var body: String
    }

    static func get(_ url: String, key: String?) async throws -> Reply {
        try await request("GET", url, body: nil, key: key)
    }

    static func post(_ url: String, _ body: String, key: String?) async throws -> Reply {
        try await request("POST", url, body: body, key: key)
    }

    /// `curlArguments` go before the URL (e.g. `--cacert FILE`); a failed TLS handshake is status 0.
    static func request(_ method: String, _ url: String, body: String?, key: String?, curlArguments: [String] = [])
        async throws -> Reply
    {
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method] + curlArguments + [url]
        if let key { arguments += ["-H", "Authorization: Bearer \(key)"] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let newline = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: newline)...]) else {
            return Reply(status: 0, body: text)
        }
        return Reply(status: status, body: String(text[..<newline]))
    }
}
