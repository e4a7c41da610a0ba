import Foundation

/// aiosmtpd in a child process (the SMTP channel tests' server script), recording each message's envelope:
/// what a relay sees as `MAIL FROM` is what a bounce is sent back to.
final class BounceSMTPServer: @unchecked Sendable {
    struct Envelope: Decodable {
        var mailFrom: String
        var rcptTos: [String]
    }

    let port: Int
    let directory: URL
    private let process: Process
    private let stdin = Pipe()

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("HeraldChannelsTests/Support/smtp/smtp_server.py")

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bounce-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, directory.path]
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line: String = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while !bytes.contains(10) {
                    let chunk = stdout.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    bytes += chunk
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "aiosmtpd did not start (pip install aiosmtpd)"])
        }
        self.port = port
    }

    /// Envelope and raw bytes of every accepted message, in arrival order.
    func received() throws -> [(envelope: Envelope, raw: String)] {
        var messages: [(Envelope, String)] = []
        var index = 1
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent("msg-\(index).json").path) {
            let envelope = try decoder.decode(
                Envelope.self, from: Data(contentsOf: directory.appendingPathComponent("msg-\(index).json")))
            let raw = try String(contentsOf: directory.appendingPathComponent("msg-\(index).eml"), encoding: .utf8)
            messages.append((envelope, raw))
            index += 1
        }
        return messages
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
