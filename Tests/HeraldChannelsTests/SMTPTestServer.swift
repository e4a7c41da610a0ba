import Foundation

/// A real SMTP server (aiosmtpd, Support/smtp/smtp_server.py) in a child process on a free port.
/// Fails loudly when python3 or aiosmtpd is missing: these tests are not optional.
final class SMTPTestServer: @unchecked Sendable {
    struct Envelope: Decodable {
        var mailFrom: String
        var mailOptions: [String]
        var rcptTos: [String]
        var connection: Int
        var tls: Bool
        var authenticated: Bool
        var authMechanism: String?
    }

    struct Received {
        var path: URL
        var raw: [UInt8]
        var envelope: Envelope
        var text: String { String(decoding: raw, as: UTF8.self) }
    }

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    static let supportDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/smtp")

    let port: Int
    let directory: URL
    private let process: Process
    private let stdin: Pipe

    enum TLSMode {
        case none, starttls, implicit
    }

    let tls: TLSMode

    /// `idleTimeout`: seconds after which the server closes a session that sent nothing (421, then close).
    /// `smtputf8`: the relay offers SMTPUTF8, so it takes a local part beyond ASCII.
    init(tls: TLSMode = .none, idleTimeout: Double? = nil, smtputf8: Bool = false) async throws {
        self.tls = tls
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", Self.supportDirectory.appendingPathComponent("smtp_server.py").path, directory.path]
            + (tls == .starttls ? ["--starttls"] : tls == .implicit ? ["--implicit-tls"] : [])
            + (idleTimeout.map { ["--idle-timeout", "\($0)"] } ?? [])
            + (smtputf8 ? ["--smtputf8"] : [])
        stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw StartError(description: "SMTP tests need python3 with aiosmtpd on PATH: \(error)")
        }
        let line = await Self.readLine(stdout.fileHandleForReading)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            let message = String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self)
            throw StartError(
                description: "SMTP test server did not start (python3 with aiosmtpd and cryptography required, "
                    + "`pip install aiosmtpd dkimpy`): \(message)")
        }
        self.port = port
    }

    var url: String { (tls == .implicit ? "smtps" : "smtp") + "://127.0.0.1:\(port)" }

    /// Messages the server accepted, in arrival order.
    func received() throws -> [Received] {
        var messages: [Received] = []
        var index = 1
        while true {
            let base = directory.appendingPathComponent("msg-\(index)")
            let meta = base.appendingPathExtension("json")
            guard FileManager.default.fileExists(atPath: meta.path) else { break }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let envelope = try decoder.decode(Envelope.self, from: Data(contentsOf: meta))
            let eml = base.appendingPathExtension("eml")
            messages.append(Received(path: eml, raw: Array(try Data(contentsOf: eml)), envelope: envelope))
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

    /// Reads up to the first newline on a plain thread: the read blocks until python prints the port.
    private static func readLine(_ handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    bytes += chunk
                    if bytes.contains(10) { break }
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
    }
}

/// What Python's own email parser (and dkimpy) make of a message: an independent second opinion.
struct InspectedMessage: Decodable {
    struct Part: Decodable {
        var contentType: String
        var charset: String?
        var content: String
    }

    var subject: String
    var fromDisplayName: String
    var fromAddress: String
    var to: String
    var contentType: String
    var messageId: String
    var listUnsubscribe: String?
    var listUnsubscribePost: String?
    var parts: [Part]
    var defects: [String]
    var dkim: Bool?

    static func inspect(_ file: URL, dkimPublicKey: String? = nil) throws -> InspectedMessage {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = SMTPTestServer.supportDirectory.appendingPathComponent("inspect_message.py").path
        process.arguments = ["python3", script, file.path] + (dkimPublicKey.map { [$0] } ?? [])
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw SMTPTestServer.StartError(
                description: "inspect_message.py failed (python3 with dkimpy required, `pip install dkimpy`): \(message)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(InspectedMessage.self, from: data)
    }
}
