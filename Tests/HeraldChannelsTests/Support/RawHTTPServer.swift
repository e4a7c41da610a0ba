import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback TCP server that answers with exactly the bytes a test scripts, one connection at a time:
/// for what a well-behaved HTTP server never does (closing a kept-alive connection without a word,
/// answering with something that is not HTTP).
final class RawHTTPServer: @unchecked Sendable {
    /// Given the connection's number and the request's number on it (both from 0), what to write back and
    /// whether to close the connection afterwards.
    typealias Script = @Sendable (_ connection: Int, _ request: Int) -> (reply: [UInt8], close: Bool)

    let port: Int
    /// Closes with a reset (RST) instead of a FIN, as a crashed or overloaded server does.
    private let resets: Bool
    private let listener: Int32
    private let lock = NSLock()
    private var connectionCount = 0
    private var requestCount = 0
    private var closedByClientCount = 0
    private var requestLines: [String] = []

    var connections: Int { lock.withLock { connectionCount } }
    var requests: Int { lock.withLock { requestCount } }
    /// Each request's first line ("POST /path HTTP/1.1"), in the order the server read them.
    var lines: [String] { lock.withLock { requestLines } }
    /// Connections the client closed (the server read end-of-file) rather than the script.
    var closedByClient: Int { lock.withLock { closedByClientCount } }

    init(resets: Bool = false, script: @escaping Script) throws {
        self.resets = resets
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socketFD, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        listener = socketFD
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve(script) }
    }

    private func serve(_ script: @escaping Script) {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let number = lock.withLock {
                connectionCount += 1
                return connectionCount - 1
            }
            Thread.detachNewThread { [self] in answer(client, number: number, script: script) }
        }
    }

    private func answer(_ client: Int32, number: Int, script: @escaping Script) {
        defer {
            if resets {
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            }
            close(client)
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var served = 0
        while true {
            // Each test request fits one read: a few hundred bytes on loopback.
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else {
                lock.withLock { closedByClientCount += 1 }
                return
            }
            let line = String(decoding: buffer[..<count].prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
            lock.withLock {
                requestCount += 1
                requestLines.append(line)
            }
            let (reply, closing) = script(number, served)
            served += 1
            _ = reply.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            if closing { return }
        }
    }

    /// Stops accepting; connections already open end with their scripts.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    static func ok(_ body: String) -> [UInt8] {
        Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }
}
