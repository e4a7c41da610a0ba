import Foundation
import Testing

/// A client that sends half a request and goes quiet: it used to hold its connection for ever, so a SIGTERM
/// waited on it past systemd's 60 s (and 20,000 of them made the daemon unreachable). The server closes a
/// connection that sends nothing for 30 s, mid-request too.
@Suite struct HalfSentRequestTests {
    @Test func aRequestStoppedHalfwayDoesNotHoldShutdown() async throws {
        let daemon = try DaemonProcess()
        try await daemon.start()
        let connection = try HalfSentConnection(port: daemon.port, sending: "POST /ui/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nk")
        defer { connection.close() }
        let process = try #require(daemon.process)
        let asked = Date()
        process.terminate()
        while process.isRunning, Date().timeIntervalSince(asked) < 55 { try await Task.sleep(for: .milliseconds(250)) }
        #expect(!process.isRunning, "SIGTERM still waiting on a half-sent request after 55 s")
    }

    /// A body that ends (the client shuts its sending side) before the length it announced is incomplete: a
    /// 400 `incomplete_body`, not a 413 as if it had been too large.
    @Test func aBodyShorterThanAnnouncedIsIncompleteNotTooLarge() async throws {
        let daemon = try DaemonProcess()
        try await daemon.start()
        defer { daemon.process?.terminate() }
        let request = "PUT /v1/contacts/u1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(try daemon.adminKey)\r\n"
            + "Content-Length: 100\r\n\r\n{\"timezone\": \"UTC\"}"
        let connection = try HalfSentConnection(port: daemon.port, sending: request)
        defer { connection.close() }
        connection.stopSending()
        var answer = ""
        for _ in 0..<100 where answer.isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            answer = connection.received()
        }
        #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer)")
        #expect(answer.contains("incomplete_body"), "\(answer)")
    }
}

/// A raw loopback connection that has sent `text` and then nothing more.
final class HalfSentConnection {
    private let fd: Int32

    init(port: Int, sending text: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Shuts the sending side: the server reads the end of the stream.
    func stopSending() { _ = shutdown(fd, Int32(SHUT_WR)) }

    /// What the server has written so far, without waiting.
    func received() -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
    }

    func close() { _ = Glibc.close(fd) }
}
