import Foundation
import Testing

/// `herald serve` with `tls:` — the real binary, a certificate made by `openssl` for this run, and curl
/// trusting only that certificate.
@Suite struct TLSServeTests {
    @Test func servesHTTPSAndTakesARenewedCertificateOnSIGHUP() async throws {
        let daemon = try DaemonProcess()
        let tls = daemon.directory.appendingPathComponent("tls")
        try SelfSignedCertificate.make(commonName: "herald-first", in: tls)
        let firstCA = daemon.directory.appendingPathComponent("first-ca.pem")
        try FileManager.default.copyItem(at: tls.appendingPathComponent("cert.pem"), to: firstCA)
        let config = try daemon.writeConfig(
            """
            listen: 127.0.0.1:\(daemon.port)
            tls: {certificate: \(tls.path)/cert.pem, key: \(tls.path)/key.pem}
            """)
        daemon.serveArguments = ["serve", "--config", config.path]
        daemon.scheme = "https"
        daemon.curlArguments = ["--cacert", firstCA.path]
        try await daemon.start()

        let key = try daemon.adminKey
        let verify = try await HTTP.request(
            "GET", "\(daemon.base)/v1/audit/verify", body: nil, key: key, curlArguments: ["--cacert", firstCA.path])
        #expect(verify.status == 200, "an authenticated call over HTTPS")
        let plain = try await HTTP.get("http://127.0.0.1:\(daemon.port)/healthz", key: nil)
        #expect(plain.status != 200, "plain HTTP is not served on the TLS port")

        try SelfSignedCertificate.make(commonName: "herald-second", in: tls)
        let secondCA = daemon.directory.appendingPathComponent("second-ca.pem")
        try FileManager.default.copyItem(at: tls.appendingPathComponent("cert.pem"), to: secondCA)
        let pid = try #require(daemon.process?.processIdentifier)
        kill(pid, SIGHUP)

        let deadline = Date().addingTimeInterval(30)
        var renewed = false
        while Date() < deadline, !renewed {
            renewed =
                try await HTTP.request("GET", "\(daemon.base)/healthz", body: nil, key: nil, curlArguments: ["--cacert", secondCA.path])
                .status == 200
            if !renewed { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(renewed, "a new connection is served the renewed certificate")
        let old = try await HTTP.request(
            "GET", "\(daemon.base)/healthz", body: nil, key: nil, curlArguments: ["--cacert", firstCA.path])
        #expect(old.status == 0, "the replaced certificate is no longer served")
        #expect(daemon.process?.isRunning == true, "SIGHUP reloads; it does not end the daemon")
        #expect(daemon.terminate() == 0)
    }

    @Test func refusesANonLoopbackListenWithoutTLS() async throws {
        let daemon = try DaemonProcess()
        let config = try daemon.writeConfig("listen: 0.0.0.0:\(daemon.port)\n")
        let (status, stderr) = try await HeraldRun.untilExit(["serve", "--config", config.path], in: daemon.directory)
        #expect(status != 0)
        #expect(stderr.contains("insecure_listen"), "the error names the key that allows it: \(stderr)")
        #expect(stderr.contains("tls"))
    }

    @Test func startsOnANonLoopbackListenWhenInsecureListenIsSaid() async throws {
        let daemon = try DaemonProcess()
        let config = try daemon.writeConfig("listen: 0.0.0.0:\(daemon.port)\ninsecure_listen: true\n")
        daemon.serveArguments = ["serve", "--config", config.path]
        try await daemon.start()
        let health = try await HTTP.get("\(daemon.base)/healthz", key: nil)
        #expect(health.status == 200)

        // `systemctl reload` sends SIGHUP whatever the config: without TLS there is nothing to reload,
        // and the signal must not end the daemon.
        let pid = try #require(daemon.process?.processIdentifier)
        kill(pid, SIGHUP)
        let afterHangUp = try await HTTP.get("\(daemon.base)/healthz", key: nil)
        #expect(afterHangUp.status == 200)
        #expect(daemon.process?.isRunning == true)
        #expect(daemon.terminate() == 0)
    }
}

extension DaemonProcess {
    func writeConfig(_ yaml: String) throws -> URL {
        let url = directory.appendingPathComponent("herald.yaml")
        try Data(yaml.utf8).write(to: url)
        return url
    }
}

/// `herald ARGS` to the end, with its stderr: for starts that must be refused.
enum HeraldRun {
    static func untilExit(_ arguments: [String], in directory: URL) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = DaemonProcess.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (status, text)
    }
}

/// A self-signed P-256 certificate for 127.0.0.1, written as cert.pem and key.pem (replacing both).
enum SelfSignedCertificate {
    static func make(commonName: String, in folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", folder.appendingPathComponent("key.pem").path,
            "-out", folder.appendingPathComponent("cert.pem").path,
        ]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openssl made the certificate")
    }
}
