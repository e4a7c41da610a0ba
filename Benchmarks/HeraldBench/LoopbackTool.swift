import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// External programs the driver benchmark runs as children: the loopback sinks (nginx, smtp-sink)
/// and the raw-limit load generators (wrk, smtp-source). Everything binds 127.0.0.1 only.
enum LoopbackTool {
    struct Missing: Error, CustomStringConvertible {
        var tool: String
        var description: String { "\(tool) is not installed (run scripts/bench-setup.sh)" }
    }

    /// The tool's full path from PATH or the sbin folders (smtp-sink lives in /usr/sbin).
    static func find(_ name: String) throws(Missing) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
        for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        throw Missing(tool: name)
    }

    /// A port the kernel just handed out on 127.0.0.1 (bound, then released for the child to take).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HeraldBenchError("socket() failed") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw HeraldBenchError("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits (at most ~5 s, bounded tries) until something accepts connections on 127.0.0.1:port.
    static func waitUntilListening(port: Int) async throws {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HeraldBenchError("nothing listens on 127.0.0.1:\(port)")
    }

    /// Starts a long-running child (a sink); the caller terminates it.
    static func start(_ path: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs a load generator to completion, killing it after `limit`; returns its stdout+stderr and wall time.
    static func run(_ path: String, _ arguments: [String], limit: Duration) async throws -> (output: String, seconds: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bench-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        let watchdog = Task {
            try await Task.sleep(for: limit)
            if process.isRunning { process.terminate() }
        }
        // Woken by the exit rather than polling: a poll every few milliseconds took ~9% of a core away
        // from the load generator it was timing.
        let seconds = try await Measure.seconds {
            try await withCheckedThrowingContinuation { (exited: CheckedContinuation<Void, any Error>) in
                process.terminationHandler = { _ in exited.resume() }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    exited.resume(throwing: error)
                }
            }
        }
        watchdog.cancel()
        try handle.close()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0, process.terminationReason == .exit else {
            throw HeraldBenchError("\(URL(fileURLWithPath: path).lastPathComponent) failed: \(text.prefix(300))")
        }
        return (text, seconds)
    }

    /// SIGTERM, then SIGKILL after ~2 s: children inherit this process's blocked-signal mask, and
    /// smtp-sink does not unblock SIGTERM, so terminate() alone can leave it running.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

struct HeraldBenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
