import Foundation
import HeraldCore
import HeraldDaemon
import HeraldPolicy
import Testing

/// SPEC §3: with no `policy` configured the daemon runs the strict defaults.
@Suite("Zero-config policy")
struct ZeroConfigPolicyTests {
    func rules(_ yaml: String?) throws -> PolicyRules {
        guard let yaml else { return try PolicySettings.rules(try LoadedConfig.load(path: nil, environment: [:])) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-policy-\(UUID().uuidString).yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        return try PolicySettings.rules(try LoadedConfig.load(path: path.path, environment: [:]))
    }

    @Test("no config file, or one without policy, gives marketing quiet hours and a cap")
    func strictWithoutPolicy() throws {
        for yaml in [nil, "listen: 127.0.0.1:9000\n"] {
            let rules = try rules(yaml)
            #expect(rules.quietHours.count == 1)
            #expect(rules.quietHours.first?.purpose == .marketing)
            #expect(rules.quietHours.first?.start == LocalClockTime(hour: 21, minute: 0))
            #expect(rules.quietHours.first?.end == LocalClockTime(hour: 8, minute: 0))
            #expect(rules.caps.map(\.max) == [3])
            #expect(rules.caps.first?.per.seconds == 86_400)
            #expect(rules.caps.first?.channel == "*")
        }
    }

    @Test("policy: {quiet_hours: [], caps: []} turns both off")
    func explicitlyOff() throws {
        let rules = try rules("policy: {quiet_hours: [], caps: []}\n")
        #expect(rules.quietHours.isEmpty)
        #expect(rules.caps.isEmpty)
    }
}

extension ZeroConfigPolicyTests {
    @Test("the start-up summary names the rules in force, or says there are none")
    func summary() throws {
        let strict = try rules(nil).summary
        #expect(strict.contains { $0.contains("marketing on * quiet 21:00–08:00") })
        #expect(strict.contains { $0.contains("marketing on *: 3 per 1d") })
        #expect(try rules("policy: {quiet_hours: [], caps: []}\n").summary == ["quiet hours: none", "caps: none"])
    }
}
