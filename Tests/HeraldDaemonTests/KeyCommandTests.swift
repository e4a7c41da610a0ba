import Foundation
import Testing

/// `herald keys create --expires` and `keys list` with the real binary: the expiry and the last use are
/// shown, never the key.
@Suite(.serialized) struct KeyCommandTests {
    @Test func keysCarryAnExpiryAndLastUse() async throws {
        let daemon = try DaemonProcess()
        defer { try? FileManager.default.removeItem(at: daemon.directory) }
        try await daemon.start()
        let admin = try daemon.adminKey
        #expect(try await HTTP.get("\(daemon.base)/v1/deliveries", key: admin).status == 200)
        #expect(daemon.terminate() == 0)

        let herald = TemplatesCommandTests.herald
        let created = try herald(["keys", "create", "--role", "ops", "--label", "month", "--expires", "30d"], daemon.directory)
        #expect(created.status == 0)
        #expect(created.output.hasPrefix("hk_"))
        #expect(try herald(["keys", "create", "--role", "ops", "--expires", "soon"], daemon.directory).status != 0)
        let listed = try herald(["keys", "list"], daemon.directory).output
        let lines = listed.split(separator: "\n")
        #expect(lines.first?.contains("last used") == true)
        let bootstrap = try #require(lines.first { $0.hasSuffix("bootstrap") })
        let month = try #require(lines.first { $0.hasSuffix("month") })
        func nevers(_ line: Substring) -> Int { line.components(separatedBy: " never ").count - 1 }
        #expect(nevers(bootstrap) == 1)  // used by the request above; never expires
        #expect(nevers(month) == 1)  // never used; expires in 30 days
        let expiry = Date().addingTimeInterval(30 * 86_400).formatted(.iso8601.year().month().day())
        #expect(month.contains(expiry))
        #expect(!listed.contains(admin))
    }
}
