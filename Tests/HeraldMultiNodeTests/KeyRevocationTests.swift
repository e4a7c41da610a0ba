import Foundation
import Testing

/// A key revoked with `herald keys revoke` on one machine stops working on every node within 5 s: each
/// node trusts a key it looked up for 3 s at most, then asks the shared database again.
extension MultiNodeTests {
    @Test("a key revoked on the command line is refused by every node within 5 s")
    func revokedKeyStopsOnEveryNode() async throws {
        let cluster = try HeraldCluster(nodes: 2, engine: Self.engine)
        defer { cluster.shutdown() }
        _ = try await cluster.prepare(contacts: 1)
        let printed = try await cluster.cli(["keys", "create", "--role", "ops", "--label", "to-revoke"])
        let key = String(printed.split(separator: "\n").last ?? "").trimmingCharacters(in: .whitespaces)
        try await cluster.start()
        let ports = cluster.nodes.map(\.port)
        for port in ports {
            #expect(try await NodeHTTP.request(port: port, "GET", "/v1/deliveries", key: key).status == 200)
        }

        let listed = try await cluster.cli(["keys", "list"])
        let line = try #require(listed.split(separator: "\n").first { $0.hasSuffix("to-revoke") })
        try await cluster.cli(["keys", "revoke", String(line.prefix(12))])
        try await Task.sleep(for: .seconds(5))
        for port in ports {
            #expect(try await NodeHTTP.request(port: port, "GET", "/v1/deliveries", key: key).status == 401)
        }
    }
}
