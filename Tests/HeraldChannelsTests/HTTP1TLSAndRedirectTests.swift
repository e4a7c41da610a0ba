import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// The HTTP/1.1 transport of `HTTPProfileDriver` against a real TLS handshake and real redirects: an
/// untrusted certificate is a redacted "TLS failure" unless the instance's `ca_file` trusts it, a redirect to another path is followed, and a
/// redirect to anything but http(s) is refused.
@Suite struct HTTP1TLSAndRedirectTests {
    static let token = "123456:SECRET-token"
    let telegram: Profile
    init() throws { telegram = try ProfileCatalog.load(directory: ChannelsFolder.url).profile("telegram") }

    func driver(baseURL: String, caFile: String? = nil) throws -> HTTPProfileDriver {
        try HTTPProfileDriver(
            profile: telegram, instanceId: "tg", baseURL: baseURL, secrets: ["bot_token": Self.token], connections: 1,
            caFile: caFile, timeout: .seconds(5))
    }

    static let message = OutboundMessage(
        deliveryId: 1, jobId: 1, contactId: "c", channel: .messenger, purpose: .transactional, topic: nil,
        addresses: ["telegram:1001"], content: .messenger(text: "کد ۱۲۳۴"), unsubscribeURL: nil, idempotencyKey: "k1",
        attempt: 1)

    @Test(
        "a provider whose certificate no trusted CA signed is a retry reading 'TLS failure', without URL or token",
        .enabled(if: OpenSSLServer.isAvailable, "needs the openssl CLI"))
    func untrustedCertificate() async throws {
        try await OpenSSLServer.run { baseURL, _ in
            let driver = try driver(baseURL: baseURL)
            let result = await driver.send(Self.message)
            let check = await driver.check()
            await driver.shutdown()
            #expect(result.outcome == .retry)
            #expect(result.error == "network: TLS failure")
            #expect(check.ok == false)
            #expect(check.detail == "telegram: network: TLS failure")
            for text in [result.error ?? "", check.detail] {
                #expect(!text.contains("SECRET") && !text.contains("127.0.0.1"))
            }
        }
    }

    @Test(
        "a gateway on a private CA is reachable once its ca_file is configured",
        .enabled(if: OpenSSLServer.isAvailable, "needs the openssl CLI"))
    func privateCATrustedThroughCAFile() async throws {
        try await OpenSSLServer.run { baseURL, certificate in
            // `openssl s_server -www` answers GET only, so the check (a GET) is what can succeed here.
            let driver = try driver(baseURL: baseURL, caFile: certificate)
            let check = await driver.check()
            await driver.shutdown()
            #expect(check.ok == true)
            #expect(check.detail.hasPrefix("telegram: check answered HTTP 200"))
        }
    }

    @Test("a 302 to another path on the provider is followed, and that answer classifies the send")
    func redirectToAnotherPathIsFollowed() async throws {
        try await FakeProvider.run { baseURL, state in
            await state.script(ScriptedReply(status: 302, headers: ["Location": "/moved"], body: []))
            await state.script(HTTP1TransportTests.okReply, path: "/moved")
            let driver = try driver(baseURL: baseURL)
            let result = await driver.send(Self.message)
            await driver.shutdown()
            #expect(result.outcome == .sent)
            #expect(result.providerMessageId == "7")
            let paths = await state.received.map(\.path)
            #expect(paths == ["/bot\(Self.token)/sendMessage", "/moved"])
        }
    }

    @Test(
        "a redirect to a scheme other than http(s) is not followed and the send does not count as sent",
        arguments: ["file:///etc/passwd", "ftp://127.0.0.1/moved", "gopher://127.0.0.1/moved"])
    func redirectToAnotherSchemeIsRefused(location: String) async throws {
        try await FakeProvider.run { baseURL, state in
            await state.script(ScriptedReply(status: 302, headers: ["Location": location], body: []))
            let driver = try driver(baseURL: baseURL)
            let result = await driver.send(Self.message)
            await driver.shutdown()
            #expect(result.outcome != .sent)
            #expect(result.error?.hasPrefix("network: ") == true)
            #expect(result.error?.contains(location) == false)
            #expect(result.error?.contains("SECRET") == false)
            #expect(await state.received.count == 1)
        }
    }
}
