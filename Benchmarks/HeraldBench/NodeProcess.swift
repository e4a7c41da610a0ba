import Foundation

/// A `herald-bench node …` child process and its one-line-at-a-time protocol (see `ClusterNode`).
final class NodeProcess: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    init(phase: String, storage: String, outbox: String) throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["node", phase, storage, outbox]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    func send(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// The child's next line, read on a thread of its own: a blocking read must not hold one of the few
    /// threads of Swift's cooperative pool.
    func nextLine() async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.readLineBlocking()) }
        }
    }

    private func readLineBlocking() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    /// Closes the child's stdin (its cue to exit) and waits for it.
    func finish() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// CPU time of a process and its children-by-parent (the PostgreSQL server: postmaster and backends), from /proc.
enum ProcessCPU {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime + stime in seconds per pid, for `root` and every process whose parent is `root`.
    static func tree(root: Int32) -> [Int32: Double] {
        var result: [Int32: Double] = [:]
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return result }
        for entry in entries {
            guard let pid = Int32(entry), let stat = self.stat(pid) else { continue }
            if pid == root || stat.parent == root { result[pid] = stat.cpu }
        }
        return result
    }

    static func parent(of pid: Int32) -> Int32? { stat(pid)?.parent }

    static func seconds(of pid: Int32) -> Double { stat(pid)?.cpu ?? 0 }

    /// Fields of /proc/PID/stat after the `(comm)`: state, ppid, …, utime (14th field), stime (15th).
    private static func stat(_ pid: Int32) -> (parent: Int32, cpu: Double)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let parent = Int32(fields[1]), let user = Double(fields[11]), let system = Double(fields[12])
        else { return nil }
        return (parent, (user + system) / ticksPerSecond)
    }
}
