import Foundation

/// The SMS provider `e2e` sends to: nginx on a free loopback port answering 200 `OK` to `GET /sms?…`,
/// logging `$msec $request_uri` per request. The log is the count of what reached the provider and the
/// time it did, for Herald, Kannel and wrk alike.
final class E2ESink {
    let port: Int
    let log: AccessLogTail
    private let nginx: Process

    init(nginxPath: String, directory: URL) async throws {
        port = try LoopbackTool.freePort()
        let logPath = directory.appendingPathComponent("access.log").path
        let conf = directory.appendingPathComponent("nginx.conf")
        try NginxSinkConfig.make(
            port: port, directory: directory.path, path: "/sms", contentType: "text/plain", body: "OK", accessLog: logPath).write(to: conf, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        log = AccessLogTail(path: logPath)
        nginx = try LoopbackTool.start(nginxPath, ["-p", directory.path, "-c", conf.path, "-g", "daemon off;"])
        do {
            try await LoopbackTool.waitUntilListening(port: port)
        } catch {
            LoopbackTool.stop(nginx)
            throw error
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() { LoopbackTool.stop(nginx) }
}

/// Reads the lines nginx appended since the last read (complete lines only).
final class AccessLogTail {
    private let path: String
    private var offset: UInt64 = 0
    private var partial = Data()

    init(path: String) { self.path = path }

    /// Calls `each` with the `$msec` and request URI of every new line.
    func readNew(_ each: (Double, Substring) -> Void) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.readToEnd(), !data.isEmpty else { return }
        offset += UInt64(data.count)
        partial.append(data)
        guard let lastNewline = partial.lastIndex(of: UInt8(ascii: "\n")) else { return }
        let complete = partial[partial.startIndex..<lastNewline]
        for line in String(decoding: complete, as: UTF8.self).split(separator: "\n") {
            guard let space = line.firstIndex(of: " "), let msec = Double(line[..<space]) else { continue }
            each(msec, line[line.index(after: space)...])
        }
        partial = Data(partial[partial.index(after: lastNewline)...])
    }
}

/// Requests at the sink whose URI carries one tag: how many, and the first and last `$msec`.
struct SinkTally {
    let tag: String
    /// How many the phase waits for.
    let expected: Int
    var count = 0
    var first = Double.infinity
    var last = 0.0
    /// With `keepLines`, every matching URI and its `$msec` (the OTPs, matched to their POSTs).
    var lines: [(msec: Double, uri: String)]?

    init(tag: String, expected: Int = 0, keepLines: Bool = false) {
        self.tag = tag
        self.expected = expected
        lines = keepLines ? [] : nil
    }

    mutating func add(_ msec: Double, _ uri: Substring) {
        guard uri.contains(tag) else { return }
        count += 1
        first = min(first, msec)
        last = max(last, msec)
        lines?.append((msec, String(uri)))
    }
}

enum Wait {
    /// Polls `done` every 100 ms until it holds or `limit` passes; true if it held.
    static func until(_ limit: Duration, _ done: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if done() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return done()
    }
}
