import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Loopback ports nobody listens on: bound to port 0, read back, released. All sockets stay open until
/// every port is picked, so one call never returns the same port twice.
enum FreePorts {
    static func pick(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw ClusterError("socket() failed") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else { throw ClusterError("bind() failed") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}

/// Just enough HTTP to talk to a node.
enum NodeHTTP {
    struct JobView: Decodable {
        var status: String
        var deliveries: Int
        var byState: [String: Int]
        enum CodingKeys: String, CodingKey {
            case status, deliveries
            case byState = "by_state"
        }
        var pending: Int { ["queued", "scheduled", "sending"].reduce(0) { $0 + (byState[$1] ?? 0) } }
    }

    static func request(
        port: Int, _ method: String, _ path: String, key: String? = nil, body: Data? = nil
    ) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    static func waitReady(port: Int, deadline: Duration = .seconds(60)) async throws {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        while clock.now < end {
            if let answer = try? await request(port: port, "GET", "/readyz"), answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ClusterError("node on port \(port) never became ready")
    }

    static func job(port: Int, id: Int64, key: String) async throws -> JobView {
        let answer = try await request(port: port, "GET", "/v1/jobs/\(id)", key: key)
        guard answer.status == 200 else { throw ClusterError("GET /v1/jobs/\(id) answered \(answer.status)") }
        return try JSONDecoder().decode(JobView.self, from: answer.body)
    }

    /// Polls (round-robin over `ports`, skipping nodes that are down) until fan-out is done and nothing is
    /// pending, or the deadline passes.
    static func waitSettled(ports: [Int], id: Int64, key: String, deadline: Duration = .seconds(300)) async throws
        -> JobView
    {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        var turn = 0
        var last: JobView?
        while clock.now < end {
            turn += 1
            if let view = try? await job(port: ports[turn % ports.count], id: id, key: key) {
                last = view
                // The API reports `completed` once fan-out is done and nothing is pending.
                if view.status == "completed" { return view }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw ClusterError("job \(id) did not settle in time; last seen \(String(describing: last))")
    }
}

/// The `log` channel's NDJSON outboxes: one line per send, each with the `delivery_id` it sent.
enum Outbox {
    private struct Line: Decodable {
        var deliveryId: Int64
        enum CodingKeys: String, CodingKey { case deliveryId = "delivery_id" }
    }

    /// Delivery ids in one file, in order. A line cut short by SIGKILL is skipped.
    static func deliveryIds(_ path: String) -> [Int64] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONDecoder().decode(Line.self, from: Data($0)).deliveryId
        }
    }

    static func lineCount(_ path: String) -> Int { deliveryIds(path).count }
}
