import AsyncHTTPClient
import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// Runs `body` against an FCM driver wired to `fake` on loopback, reading time from `clock`.
private func withFCM<T: Sendable>(
    _ fake: FCMFake, clock: PushTestClock = PushTestClock(), _ body: @Sendable (FCMDriver) async throws -> T
) async throws -> T {
    try await withPushFakeServer(fake.router) { base in
        let driver = try FCMDriver(id: "push-fcm", config: fake.config(base: base), httpClient: .shared) { clock.now }
        return try await body(driver)
    }
}

@Suite struct FCMDriverTests {
    @Test func sendsTheRecordedRequestAndKeepsTheMessageName() async throws {
        let fake = try FCMFake()
        let recorded = try PushFixture.load("fcm", "send-ok").request?["body"]
        let result = try await withFCM(fake) { driver in
            await driver.send(
                .push(
                    to: ["fcm:fcm-token-ok"], title: "سبد خرید شما منتظر است", body: "Your cart is waiting",
                    data: ["cart_id": "c-42", "deep_link": "shop://cart"]))
        }
        #expect(result.outcome == .sent)
        #expect(result.providerMessageId == "projects/herald-demo/messages/fcm-token-ok")
        let state = fake.snapshot
        #expect(state.assertionProblems.isEmpty)
        #expect(state.sends.map(\.body) == [recorded])
    }

    /// FCM accepted the push and then sent more than the driver reads: still sent, and never sent again.
    @Test func anAcceptedPushWithAnOversizedAnswerIsSentOnce() async throws {
        let fake = try FCMFake()
        let result = try await withFCM(fake) { driver in
            await driver.send(.push(to: ["fcm:fcm-token-talkative"], title: "t", body: "b", data: [:]))
        }
        #expect(result.outcome == .sent)
        #expect(fake.snapshot.sends.count == 1)
    }

    @Test func oneAccessTokenServesManySendsUntilItNearsExpiry() async throws {
        let fake = try FCMFake()
        let clock = PushTestClock()
        let (before, after) = try await withFCM(fake, clock: clock) { driver in
            for n in 1...4 { _ = await driver.send(.push(to: ["fcm:tok-\(n)"])) }
            _ = await driver.send(.push(to: ["fcm:a", "fcm:b", "fcm:c"]))
            let before = fake.snapshot.oauthRequests
            clock.advance(3599 - 299)  // the recorded token lives 3599 s; Herald refreshes 5 minutes early
            _ = await driver.send(.push(to: ["fcm:late"]))
            return (before, fake.snapshot.oauthRequests)
        }
        #expect(before == 1)
        #expect(after == 2)
        #expect(fake.snapshot.sends.count == 8)
        #expect(fake.snapshot.assertionProblems.isEmpty)
    }

    @Test func a401RefreshesTheAccessTokenOnceForConcurrentSends() async throws {
        let fake = try FCMFake(revokeFirstAccessToken: true)
        let result = try await withFCM(fake) { driver in
            await driver.send(.push(to: ["fcm:a", "fcm:b", "fcm:c"]))
        }
        #expect(result.outcome == .sent)
        #expect(result.providerMessageId == "projects/herald-demo/messages/a")
        let state = fake.snapshot
        #expect(state.oauthRequests == 2)
        #expect(Set(state.sends.map(\.token)) == ["a", "b", "c"])
        #expect(state.sends.allSatisfy { $0.accessToken == "ya29.fake-2" })
    }

    @Test func deadTokensAreReportedInvalidWhileLiveOnesSend() async throws {
        let fake = try FCMFake(fixtureByToken: ["gone": "unregistered", "garbled": "invalid-token"])
        let (mixed, allDead) = try await withFCM(fake) { driver in
            (
                await driver.send(.push(to: ["fcm:gone", "fcm:live", "fcm:garbled"])),
                await driver.send(.push(to: ["fcm:gone", "fcm:garbled"]))
            )
        }
        #expect(mixed.outcome == .sent)
        #expect(mixed.providerMessageId == "projects/herald-demo/messages/live")
        #expect(mixed.invalidAddresses == ["fcm:gone", "fcm:garbled"])
        #expect(allDead.outcome == .invalidAddress)
        #expect(allDead.invalidAddresses == ["fcm:gone", "fcm:garbled"])
    }

    @Test func quotaAndOutagesRetryHonouringRetryAfter() async throws {
        let fake = try FCMFake(fixtureByToken: [
            "busy": "quota-exceeded", "down": "unavailable", "gone": "unregistered",
        ])
        let (busy, down) = try await withFCM(fake) { driver in
            (await driver.send(.push(to: ["fcm:busy", "fcm:gone"])), await driver.send(.push(to: ["fcm:down"])))
        }
        #expect(busy.outcome == .retry)
        #expect(busy.retryAfter == 30)
        #expect(busy.invalidAddresses == ["fcm:gone"])
        #expect(down.outcome == .retry)
        #expect(down.retryAfter == nil)
    }

    @Test func payloadAndProjectErrorsArePermanentAndKeepTheAddress() async throws {
        let fake = try FCMFake(fixtureByToken: ["t1": "invalid-payload", "t2": "sender-id-mismatch"])
        let results = try await withFCM(fake) { driver in
            [await driver.send(.push(to: ["fcm:t1"])), await driver.send(.push(to: ["fcm:t2"]))]
        }
        #expect(results.map(\.outcome) == [.permanent, .permanent])
        #expect(results.allSatisfy { $0.invalidAddresses.isEmpty })
        #expect(results[1].error == "fcm 403 SENDER_ID_MISMATCH")
    }

    @Test func aRejectedServiceAccountFailsSendsAndTheCheck() async throws {
        let fake = try FCMFake()
        let (result, check) = try await withPushFakeServer(fake.router) { base in
            var config = fake.config(base: base)
            let other = try FCMFake()  // same shape, different key: the fake's signature check refuses it
            config.serviceAccountJSON = other.config(base: base).serviceAccountJSON
            let driver = try FCMDriver(id: "push-fcm", config: config, httpClient: .shared)
            return (await driver.send(.push(to: ["fcm:a"])), await driver.check())
        }
        #expect(result.outcome == .permanent)
        #expect(result.error == "fcm oauth 400 invalid_grant")
        #expect(!check.ok)
        #expect(fake.snapshot.sends.isEmpty)
    }

    @Test func onlyFCMAddressesAreSentTo() async throws {
        let fake = try FCMFake()
        let result = try await withFCM(fake) { driver in
            #expect(driver.handles(address: "fcm:x"))
            #expect(!driver.handles(address: "apns:abcd"))
            return await driver.send(.push(to: ["apns:abcd", "fcm:x"]))
        }
        #expect(result.outcome == .sent)
        #expect(fake.snapshot.sends.map(\.token) == ["x"])
    }

    @Test func configDecodesFromSnakeCaseOptions() throws {
        let options =
            #"{"service_account_json": "{}", "base_url": "http://127.0.0.1:9", "token_uri": "http://127.0.0.1:9/t", "project_id": "p", "timeout_seconds": 3}"#
        let config = try JSONDecoder().decode(FCMConfig.self, from: Data(options.utf8))
        #expect(config.baseURL == "http://127.0.0.1:9")
        #expect(config.tokenURI == "http://127.0.0.1:9/t")
        #expect(config.projectId == "p")
        #expect(config.timeoutSeconds == 3)
        let minimal = try JSONDecoder().decode(FCMConfig.self, from: Data(#"{"service_account_json": "{}"}"#.utf8))
        #expect(minimal.baseURL == "https://fcm.googleapis.com")
        #expect(throws: HeraldError.self) { try FCMDriver(id: "f", config: minimal, httpClient: .shared) }
    }
}
