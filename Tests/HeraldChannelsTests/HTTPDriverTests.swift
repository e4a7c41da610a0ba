import Foundation
import HeraldChannels
import HeraldCore
import Testing

@Suite struct HTTPDriverTests {
    let catalog: ProfileCatalog
    init() throws { catalog = try ProfileCatalog.load(directory: ChannelsFolder.url) }

    func message(_ address: String, text: String = "سلام") -> OutboundMessage {
        OutboundMessage(
            deliveryId: 9, jobId: 1, contactId: "c", channel: .messenger, purpose: .marketing, topic: nil,
            addresses: [address], content: .messenger(text: text), unsubscribeURL: nil, idempotencyKey: "k", attempt: 1)
    }

    func telegram(baseURL: String, timeout: Duration = .seconds(5)) throws -> HTTPProfileDriver {
        try HTTPProfileDriver(
            profile: try catalog.profile("telegram"), instanceId: "tg", baseURL: baseURL,
            secrets: ["bot_token": "123456:SECRET-token"], connections: 2, timeout: timeout)
    }

    @Test func telegramBlockedByUserIsAnOptOut() async throws {
        try await FakeProvider.run { baseURL, state in
            await state.script(
                ScriptedReply(
                    status: 403, headers: ["Content-Type": "application/json"],
                    body: Array(
                        #"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#.utf8)))
            let driver = try telegram(baseURL: baseURL)
            let result = await driver.send(message("telegram:42"))
            await driver.shutdown()
            #expect(result.outcome == .optedOut)
            #expect(await state.received.first?.path == "/bot123456:SECRET-token/sendMessage")
        }
    }

    @Test func unreachableProviderIsARetryThatLeaksNoSecret() async throws {
        // Port 1 on loopback refuses connections; the client retries connecting until the timeout.
        let driver = try telegram(baseURL: "http://127.0.0.1:1", timeout: .milliseconds(500))
        let result = await driver.send(message("telegram:987654321", text: "کد ۴۲۱۷"))
        #expect(result.outcome == .retry)
        let error = try #require(result.error)
        #expect(!error.contains("SECRET"))
        #expect(!error.contains("987654321"))
        #expect(!error.contains("۴۲۱۷"))
        let check = await driver.check()
        #expect(!check.ok)
        #expect(!check.detail.contains("SECRET"))
        await driver.shutdown()
    }

    @Test func messengerDriverOnlyHandlesItsOwnPrefixAndStripsIt() async throws {
        let driver = try telegram(baseURL: "http://127.0.0.1:1")
        #expect(driver.handles(address: "telegram:42"))
        #expect(!driver.handles(address: "whatsapp:+989121234567"))
        let sms = try HTTPProfileDriver(
            profile: try catalog.profile("kavenegar"), instanceId: "sms", secrets: ["api_key": "x"], connections: 1
        )
        #expect(sms.handles(address: "+989121234567"))
        #expect(!sms.handles(address: "telegram:42"))
        let result = await driver.send(message("whatsapp:+989121234567"))
        #expect(result.outcome == .permanent, "no telegram address: nothing to send to")
        await driver.shutdown()
    }

    @Test func missingSecretOrRequiredOptionIsAClearConfigError() throws {
        let telegram = try catalog.profile("telegram")
        let noToken = #expect(throws: HeraldError.self) {
            try HTTPProfileDriver(profile: telegram, instanceId: "tg", connections: 1)
        }
        #expect(noToken?.message.contains("bot_token") == true)
        let whatsapp = try catalog.profile("whatsapp")
        let noPhoneId = #expect(throws: HeraldError.self) {
            try HTTPProfileDriver(
                profile: whatsapp, instanceId: "wa", secrets: ["access_token": "t", "app_secret": "s"], connections: 1)
        }
        #expect(noPhoneId?.field == "channels.wa.options.phone_number_id")
    }

    @Test func checkUsesTheProfilesCheckRequest() async throws {
        try await FakeProvider.run { baseURL, state in
            await state.script(ScriptedReply(status: 200, headers: [:], body: Array(#"{"ok":true}"#.utf8)))
            let driver = try telegram(baseURL: baseURL)
            let check = await driver.check()
            await driver.shutdown()
            #expect(check.ok)
            #expect(await state.received.first?.path == "/bot123456:SECRET-token/getMe")
        }
    }
}
