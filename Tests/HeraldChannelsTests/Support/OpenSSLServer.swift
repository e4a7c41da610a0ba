import Foundation

/// A throwaway HTTPS endpoint: a self-signed certificate for 127.0.0.1 made with the `openssl` CLI and
/// `openssl s_server` serving it on a free port. Enough to run a client into a real TLS handshake.
enum OpenSSLServer {
    static let executable = "/usr/bin/openssl"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    enum Failure: Error { case openssl(String) }

    /// Runs `body` with the server's base URL (`https://127.0.0.1:PORT`) and the certificate's PEM path.
    static func run<T: Sendable>(_ body: (_ baseURL: String, _ certificate: String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try runToEnd([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        let log = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: executable)
        server.arguments = ["s_server", "-accept", "0", "-cert", certificate, "-key", key, "-www"]
        let output = try FileHandle(forWritingTo: log)
        server.standardOutput = output
        server.standardError = output
        server.standardInput = FileHandle.nullDevice
        try server.run()
        defer {
            // SIGKILL, not terminate(): the child inherits the test runner's blocked signals, SIGTERM included.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            try? output.close()
        }
        let port = try await acceptedPort(in: log)
        return try await body("https://127.0.0.1:\(port)", certificate)
    }

    /// s_server prints `ACCEPT [::]:PORT` once it listens.
    private static func acceptedPort(in log: URL) async throws -> Int {
        for _ in 0..<200 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                return port
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw Failure.openssl("s_server did not start listening")
    }

    private static func runToEnd(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure.openssl("openssl \(arguments[0]) failed") }
    }
}
