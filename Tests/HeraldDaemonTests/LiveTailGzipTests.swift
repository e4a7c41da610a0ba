import Foundation
import Testing

/// The live tail for clients that accept gzip, through the real binary and read by Python's zlib (not
/// ours): every event arrives, filtered or not, and SIGTERM closes the stream with a gzip trailer whose
/// CRC-32 and length match what was sent.
@Suite("Live tail compressed for gzip clients", .serialized)
struct LiveTailGzipTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/gzip_tail.py")

    /// A Python client reading the stream (asking for `br;q=0, gzip`) until the server closes it.
    final class PythonReader: @unchecked Sendable {
        let process = Process()
        let output: URL

        init(url: String, key: String, output: URL) throws {
            self.output = output
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "sh", "-c", "exec python3 \"$0\" \"$1\" \"$2\" > \"$3\" 2>&1", LiveTailGzipTests.script.path, url, key, output.path,
            ]
            try process.run()
        }

        var text: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

        /// The `sent` events seen so far, by delivery id.
        var sentDeliveries: Set<Int> {
            Set(text.split(separator: "\n").compactMap { line -> Int? in
                guard line.hasPrefix("data: "), let data = line.dropFirst(6).data(using: .utf8),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    object["state"] as? String == "sent"
                else { return nil }
                return object["delivery_id"] as? Int
            })
        }

        func exited(within seconds: Double) async throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning { process.terminate() }
            return !process.isRunning
        }
    }

    @Test("shared batches and one client's own events both decode; SIGTERM ends the stream with a valid trailer")
    func pythonInflatesEveryEvent() async throws {
        let daemon = try DaemonProcess()
        try await daemon.start()
        let key = try daemon.adminKey
        let stream = "\(daemon.base)/v1/deliveries/stream"
        // Unfiltered: batches compressed once for all. Filtered: events compressed for that client alone.
        let all = try PythonReader(url: stream, key: key, output: daemon.directory.appendingPathComponent("all.txt"))
        let sent = try PythonReader(
            url: stream + "?status=sent", key: key, output: daemon.directory.appendingPathComponent("sent.txt"))
        for reader in [all, sent] {
            let deadline = Date().addingTimeInterval(30)
            while !reader.text.contains("herald live tail"), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(try await HTTP.post("\(daemon.base)/v1/contacts/batch", DaemonLifecycleTests.contacts(300), key: key).status == 200)
        #expect(try await HTTP.post("\(daemon.base)/v1/jobs", DaemonLifecycleTests.job(300, key: "gzip"), key: key).status == 202)
        let view = try await DaemonLifecycleTests.waitForCompletion(daemon, job: 1, key: key, seconds: 60)
        #expect(view.contains(#""sent":300"#))
        for reader in [all, sent] {
            let deadline = Date().addingTimeInterval(30)
            while reader.sentDeliveries.count < 300, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(daemon.terminate() == 0)
        for reader in [all, sent] {
            #expect(try await reader.exited(within: 30))
            let text = reader.text
            #expect(text.hasPrefix("#STATUS 200"), "\(text.prefix(2_000))")
            #expect(!text.contains("#ERROR") && !text.contains("Traceback"), "\(text.suffix(2_000))")
            #expect(text.contains("#END content-encoding=gzip eof=True unused=0"), "\(text.suffix(500))")
            #expect(reader.sentDeliveries.count == 300)
        }
        // Every state of a delivery reaches the unfiltered client; only `sent` reaches the filtered one.
        #expect(all.text.contains(#""state":"sending""#))
        #expect(!sent.text.contains(#""state":"sending""#))
    }
}
