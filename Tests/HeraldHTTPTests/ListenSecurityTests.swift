import HeraldCore
import HeraldDaemon
import Testing

/// Which `listen` hosts may serve plain HTTP: loopback only, unless TLS or `insecure_listen` is set.
@Suite("Listen security")
struct ListenSecurityTests {
    @Test("loopback serves plain HTTP", arguments: ["127.0.0.1", "127.0.0.53", "::1", "localhost"])
    func loopback(host: String) throws {
        try ListenSecurity.check(host: host, tls: false, insecureListen: false)
    }

    @Test(
        "any other host needs tls or insecure_listen",
        arguments: ["0.0.0.0", "::", "10.0.0.5", "127.example.com", "herald.internal", "::ffff:127.0.0.1"])
    func other(host: String) throws {
        #expect(throws: HeraldError.self) { try ListenSecurity.check(host: host, tls: false, insecureListen: false) }
        do {
            try ListenSecurity.check(host: host, tls: false, insecureListen: false)
        } catch {
            #expect(error.code == "insecure_listen")
            #expect(error.field == "insecure_listen")
        }
        try ListenSecurity.check(host: host, tls: true, insecureListen: false)
        try ListenSecurity.check(host: host, tls: false, insecureListen: true)
    }
}
