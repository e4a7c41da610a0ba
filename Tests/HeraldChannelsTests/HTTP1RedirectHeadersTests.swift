import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// Redirects keep the provider's credentials at home: a hop to another origin carries the body but none
/// of the profile's headers (the Bearer token among them), and a 303 turns the POST into a GET.
@Suite struct HTTP1RedirectHeadersTests {
    let genericJSON: Profile
    init() throws { genericJSON = try ProfileCatalog.load(directory: ChannelsFolder.url).profile("generic-json") }

    func driver(baseURL: String) throws -> HTTPProfileDriver {
        try HTTPProfileDriver(
            profile: genericJSON, instanceId: "sms", baseURL: baseURL, options: ["from": "Herald"],
            secrets: ["api_token": "SECRET-bearer"], connections: 2, timeout: .seconds(5))
    }

    static let message = OutboundMessage(
        deliveryId: 1, jobId: 1, contactId: "c", channel: .sms, purpose: .transactional, topic: nil,
        addresses: ["+989121234567"], content: .sms(text: "کد ۱۲۳۴"), unsubscribeURL: nil, idempotencyKey: "k1",
        attempt: 1)

    static let accepted = ScriptedReply(status: 200, headers: ["Content-Type": "application/json"], body: Array(#"{"id":"m-1"}"#.utf8))

    @Test("a 307 to another origin resends the body without the profile's headers")
    func crossOriginRedirectDropsCredentials() async throws {
        try await FakeProvider.run { otherURL, other in
            await other.script(Self.accepted)
            try await FakeProvider.run { baseURL, provider in
                await provider.script(ScriptedReply(status: 307, headers: ["Location": "\(otherURL)/elsewhere"], body: []))
                let driver = try driver(baseURL: baseURL)
                let result = await driver.send(Self.message)
                await driver.shutdown()
                #expect(result.outcome == .sent)
                #expect(result.providerMessageId == "m-1")
                let first = try #require(await provider.received.first)
                #expect(first.headers["authorization"] == "Bearer SECRET-bearer")
                let moved = try #require(await other.received.first)
                #expect(moved.method == "POST")
                #expect(moved.path == "/elsewhere")
                #expect(moved.body == first.body)
                #expect(moved.headers["authorization"] == nil)
                #expect(moved.headers["idempotency-key"] == nil)
            }
        }
    }

    @Test("a 303 on the same provider is fetched with GET, keeping the profile's headers")
    func seeOtherBecomesGet() async throws {
        try await FakeProvider.run { baseURL, provider in
            await provider.script(ScriptedReply(status: 303, headers: ["Location": "/status/1"], body: []))
            await provider.script(Self.accepted, path: "/status/1")
            let driver = try driver(baseURL: baseURL)
            let result = await driver.send(Self.message)
            await driver.shutdown()
            #expect(result.outcome == .sent)
            let received = await provider.received
            #expect(received.map(\.method) == ["POST", "GET"])
            #expect(received.last?.body.isEmpty == true)
            #expect(received.last?.headers["authorization"] == "Bearer SECRET-bearer")
        }
    }

    @Test("a ca_file that holds no certificate is refused when the instance is built, naming the field")
    func unreadableCAFileIsAConfigError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-not-a-ca-\(UUID()).pem")
        try Data("not a certificate".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect {
            try HTTPProfileDriver(
                profile: genericJSON, instanceId: "sms", options: ["from": "Herald"],
                secrets: ["api_token": "SECRET-bearer"], connections: 1, caFile: file.path)
        } throws: { error in
            (error as? HeraldError)?.code == "invalid_channel" && (error as? HeraldError)?.field == "channels.sms.options.ca_file"
        }
    }
}

/// A header a template fills from message text must not smuggle control bytes onto the wire.
@Suite struct HTTP1HeaderSafetyTests {
    @Test("a control character in a templated header fails the send for good and sends nothing")
    func controlCharacterInHeaderIsPermanent() async throws {
        let yaml = try String(contentsOf: ChannelsFolder.url.appendingPathComponent("generic-json/profile.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "    Idempotency-Key: \"{{idempotency_key}}\"", with: "    X-Note: \"{{text}}\"")
        let profile = try ProfileCatalog.parse(yaml: yaml, file: "generic-json/profile.yaml")
        try await FakeProvider.run { baseURL, provider in
            await provider.script(HTTP1RedirectHeadersTests.accepted)
            let driver = try HTTPProfileDriver(
                profile: profile, instanceId: "sms", baseURL: baseURL, options: ["from": "Herald"],
                secrets: ["api_token": "SECRET-bearer"], connections: 1, timeout: .seconds(5))
            var bad = HTTP1RedirectHeadersTests.message
            bad.content = .sms(text: "code\u{01}1234")
            var good = HTTP1RedirectHeadersTests.message
            good.content = .sms(text: "code 1234")
            let results = await driver.send(batch: [bad, good], concurrency: 1)
            await driver.shutdown()
            #expect(results.map(\.outcome) == [.permanent, .sent])
            #expect(results[0].error == "network: invalid request header")
            let received = await provider.received
            #expect(received.count == 1)
            #expect(received.first?.headers["x-note"] == "code 1234")
        }
    }
}
