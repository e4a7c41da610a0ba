import Foundation
import HeraldCore
import HeraldEngine
import Testing

@Suite("Engine: routing and failover between instances")
struct RoutingFailoverTests {
    @Test func aRetryFromTheFirstInstanceFailsOverToTheSecond() async throws {
        let primary = ScriptedDriver(id: "sms-a", kind: .sms, script: [SendResult(outcome: .retry, error: "503")])
        let backup = ScriptedDriver(id: "sms-b", kind: .sms)
        let harness = try EngineHarness(drivers: [primary, backup])
        let store = try await harness.openStore()
        try await store.upsertContacts([person("a", phone: "+15550001")], at: harness.clock.now)
        let submitted = try await harness.submit(makeJob("fo", ids: ["a"], channels: [.sms]), to: store)

        #expect(try await harness.drain(store) == 1)
        let row = try #require(try await deliveries(store, jobId: submitted.id).first)
        #expect(row.state == .sent)
        #expect(row.instance == "sms-b")
        #expect(row.attempts.map(\.instance) == ["sms-a", "sms-b"])
        #expect(row.attempts.map(\.outcome) == [.retry, .sent])
        #expect(row.attempts.map(\.number) == [1, 1])
        try await store.close()
    }

    @Test func anOpenBreakerSkipsTheInstance() async throws {
        let primary = ScriptedDriver(id: "sms-a", kind: .sms, script: [SendResult(outcome: .retry, error: "503")])
        let backup = ScriptedDriver(id: "sms-b", kind: .sms)
        let routes = [
            ChannelRouter.Route(
                instance: InstanceGuard(
                    driver: primary, ratePerSecond: nil, concurrency: 1,
                    breaker: CircuitBreaker(threshold: 1, cooldown: 600))),
            ChannelRouter.Route(instance: InstanceGuard(driver: backup, ratePerSecond: nil, concurrency: 1)),
        ]
        let harness = try EngineHarness(routes: routes)
        let store = try await harness.openStore()
        try await store.upsertContacts([person("a", phone: "+15550001"), person("b", phone: "+15550002")], at: harness.clock.now)
        _ = try await harness.submit(makeJob("one", ids: ["a"], channels: [.sms]), to: store)
        #expect(try await harness.drain(store) == 1)
        #expect(await routes[0].instance.breakerState == .open)

        // While sms-a's breaker is open the next message goes straight to sms-b.
        let second = try await harness.submit(makeJob("two", ids: ["b"], channels: [.sms]), to: store)
        #expect(try await harness.drain(store) == 1)
        let row = try #require(try await deliveries(store, jobId: second.id).first)
        #expect(row.state == .sent)
        #expect(row.attempts.map(\.instance) == ["sms-b"])
        #expect(primary.sendCount == 1)
        #expect(backup.sendCount == 2)
        try await store.close()
    }

    @Test func phonePrefixChoosesTheInstance() async throws {
        let iran = ScriptedDriver(id: "sms-ir", kind: .sms)
        let global = ScriptedDriver(id: "sms-global", kind: .sms)
        let routes = [
            ChannelRouter.Route(instance: InstanceGuard(driver: global, ratePerSecond: nil, concurrency: 4)),
            ChannelRouter.Route(
                instance: InstanceGuard(driver: iran, ratePerSecond: nil, concurrency: 4), prefixes: ["+98"]),
        ]
        let harness = try EngineHarness(routes: routes)
        let store = try await harness.openStore()
        try await store.upsertContacts(
            [person("ir", phone: "+989121234567"), person("de", phone: "+4915112345678")], at: harness.clock.now)
        let submitted = try await harness.submit(makeJob("route", ids: ["ir", "de"], channels: [.sms]), to: store)

        #expect(try await harness.drain(store) == 2)
        #expect(iran.messages.map(\.contactId) == ["ir"])
        #expect(global.messages.map(\.contactId) == ["de"])
        let instances = Dictionary(
            uniqueKeysWithValues: try await deliveries(store, jobId: submitted.id).map { ($0.contactId, $0.instance) })
        #expect(instances == ["ir": "sms-ir", "de": "sms-global"])
        try await store.close()
    }
}
