import AsyncHTTPClient
import Foundation
import HeraldChannels
import HeraldCore
import Testing

private let deviceA = String(repeating: "a1", count: 32)
private let deviceB = String(repeating: "b2", count: 32)
private let deviceGone = String(repeating: "de", count: 32)
private let deviceBad = String(repeating: "0f", count: 32)

/// Runs `body` against an APNs driver wired to `fake` on loopback, reading time from `clock`.
private func withAPNs<T: Sendable>(
    _ fake: APNsFake, clock: PushTestClock = PushTestClock(), _ body: @Sendable (APNsDriver) async throws -> T
) async throws -> T {
    try await withPushFakeServer(fake.router) { base in
        let driver = try APNsDriver(id: "push-apns", config: fake.config(base: base), httpClient: .shared) { clock.now }
        return try await body(driver)
    }
}

@Suite struct APNsDriverTests {
    @Test func sendsAnAlertWithAppleHeadersAndKeepsTheApnsId() async throws {
        let fake = APNsFake()
        let clock = PushTestClock()
        let recorded = try PushFixture.load("apns", "send-ok").request?["body"]
        let result = try await withAPNs(fake, clock: clock) { driver in
            await driver.send(
                .push(
                    to: ["apns:\(deviceA)"], title: "سبد خرید شما منتظر است", body: "Your cart is waiting",
                    data: ["cart_id": "c-42", "deep_link": "shop://cart"]))
        }
        let attempt = try #require(fake.snapshot.attempts.first)
        #expect(fake.snapshot.bearerProblems.isEmpty)
        #expect(result.outcome == .sent)
        #expect(attempt.deviceToken == deviceA)
        #expect(attempt.body == recorded)
        #expect(attempt.headers["apns-topic"] == "com.example.shop")
        #expect(attempt.headers["apns-push-type"] == "alert")
        #expect(attempt.headers["apns-priority"] == "10")
        #expect(attempt.headers["apns-expiration"] == String(Int(clock.now.timeIntervalSince1970) + 86_400))
        let apnsId = try #require(attempt.headers["apns-id"])
        #expect(UUID(uuidString: apnsId) != nil)
        #expect(result.providerMessageId == apnsId)
    }

    @Test func apnsIdIsStableForAResendAndDistinctPerDeviceAndJob() async throws {
        let fake = APNsFake()
        try await withAPNs(fake) { driver in
            _ = await driver.send(.push(to: ["apns:\(deviceA)", "apns:\(deviceB)"], idempotencyKey: "job-7/c-1"))
            _ = await driver.send(.push(to: ["apns:\(deviceA)"], idempotencyKey: "job-7/c-1"))
            _ = await driver.send(.push(to: ["apns:\(deviceA)"], idempotencyKey: "job-8/c-1"))
        }
        let ids = Dictionary(grouping: fake.snapshot.attempts.map { ($0.deviceToken, $0.headers["apns-id"] ?? "") }) {
            $0.0
        }
        .mapValues { $0.map(\.1) }
        let idsA = try #require(ids[deviceA])
        #expect(idsA.count == 3)
        #expect(idsA[0] == idsA[1])
        #expect(idsA[0] != idsA[2])
        #expect(ids[deviceB]?.first != idsA[0])
    }

    @Test func oneProviderTokenServesFiftyMinutesThenIsReplaced() async throws {
        let fake = APNsFake()
        let clock = PushTestClock()
        try await withAPNs(fake, clock: clock) { driver in
            _ = await driver.send(.push(to: ["apns:\(deviceA)", "apns:\(deviceB)"]))
            clock.advance(49 * 60)
            _ = await driver.send(.push(to: ["apns:\(deviceA)"]))
            clock.advance(2 * 60)
            _ = await driver.send(.push(to: ["apns:\(deviceA)"]))
        }
        let bearers = fake.bearers
        #expect(bearers.count == 4)
        #expect(Set(bearers.prefix(3)).count == 1)
        #expect(bearers[3] != bearers[0])
        #expect(fake.snapshot.bearerProblems.isEmpty)
    }

    @Test func anExpiredProviderTokenIsReplacedAndTheSendRepeated() async throws {
        let fake = APNsFake()
        let clock = PushTestClock()
        let result = try await withAPNs(fake, clock: clock) { driver in
            _ = await driver.send(.push(to: ["apns:\(deviceA)"]))
            fake.expire(fake.bearers[0])
            clock.advance(25 * 60)
            return await driver.send(.push(to: ["apns:\(deviceB)"]))
        }
        let bearers = fake.bearers
        #expect(result.outcome == .sent)
        #expect(bearers.count == 3)
        #expect(bearers[1] == bearers[0])
        #expect(bearers[2] != bearers[0])
    }

    @Test func aYoungProviderTokenIsNotReplacedEvenWhenAppleCallsItExpired() async throws {
        let fake = APNsFake(expireEveryBearer: true)
        let result = try await withAPNs(fake) { driver in
            await driver.send(.push(to: ["apns:\(deviceA)"]))
        }
        #expect(result.outcome == .retry)
        #expect(result.error == "apns 403 ExpiredProviderToken")
        #expect(fake.bearers.count == 1)
    }

    @Test func deadAndMalformedTokensAreReportedInvalid() async throws {
        let fake = APNsFake(fixtureByToken: [deviceGone: "unregistered", deviceBad: "bad-device-token"])
        let (mixed, allDead) = try await withAPNs(fake) { driver in
            (
                await driver.send(
                    .push(to: ["apns:\(deviceGone)", "apns:\(deviceA)", "apns:not-hex!", "apns:\(deviceBad)"])),
                await driver.send(.push(to: ["apns:\(deviceGone)", "apns:\(deviceBad)"]))
            )
        }
        #expect(mixed.outcome == .sent)
        #expect(mixed.invalidAddresses == ["apns:\(deviceGone)", "apns:not-hex!", "apns:\(deviceBad)"])
        #expect(allDead.outcome == .invalidAddress)
        #expect(allDead.invalidAddresses == ["apns:\(deviceGone)", "apns:\(deviceBad)"])
        #expect(!fake.snapshot.attempts.contains { $0.deviceToken.contains("not-hex") })
    }

    @Test func throttlingAndOutagesRetry() async throws {
        let fake = APNsFake(fixtureByToken: [deviceA: "too-many-requests", deviceB: "service-unavailable"])
        let (throttled, down) = try await withAPNs(fake) { driver in
            (await driver.send(.push(to: ["apns:\(deviceA)"])), await driver.send(.push(to: ["apns:\(deviceB)"])))
        }
        #expect(throttled.outcome == .retry)
        #expect(throttled.retryAfter == 60)
        #expect(down.outcome == .retry)
        #expect(down.error == "apns 503 ServiceUnavailable")
    }

    @Test func aWrongTopicIsPermanentAndKeepsTheAddress() async throws {
        let fake = APNsFake(fixtureByToken: [deviceA: "bad-topic"])
        let result = try await withAPNs(fake) { driver in await driver.send(.push(to: ["apns:\(deviceA)"])) }
        #expect(result.outcome == .permanent)
        #expect(result.invalidAddresses.isEmpty)
    }

    @Test func checkReachesAPNsAndReportsARejectedKey() async throws {
        let probe = String(repeating: "0", count: 64)
        let fake = APNsFake(fixtureByToken: [probe: "bad-device-token"])
        let (good, bad) = try await withPushFakeServer(fake.router) { base in
            let good = try APNsDriver(id: "push-apns", config: fake.config(base: base), httpClient: .shared)
            var wrongKey = fake.config(base: base)
            wrongKey.keyPEM = APNsFake().keyPEM
            let bad = try APNsDriver(id: "push-apns", config: wrongKey, httpClient: .shared)
            return (await good.check(), await bad.check())
        }
        #expect(good.ok)
        #expect(!bad.ok)
        #expect(bad.detail == "apns 403 InvalidProviderToken")
    }

    @Test func configDecodesFromSnakeCaseOptions() throws {
        let options = #"""
            {"key_pem": "-----BEGIN PRIVATE KEY-----", "key_id": "K", "team_id": "T", "topic": "com.example.shop",
             "base_url": "https://api.sandbox.push.apple.com", "priority": 5, "expiration_seconds": 0}
            """#
        let config = try JSONDecoder().decode(APNsConfig.self, from: Data(options.utf8))
        #expect(config.baseURL == APNsConfig.sandboxBaseURL)
        #expect(config.priority == 5)
        #expect(config.expirationSeconds == 0)
        #expect(config.timeoutSeconds == 10)
        #expect(throws: HeraldError.self) { try APNsDriver(id: "a", config: config, httpClient: .shared) }
    }
}
