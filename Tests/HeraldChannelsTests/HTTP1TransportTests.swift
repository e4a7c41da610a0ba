import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// What the HTTP/1.1 transport of `HTTPProfileDriver` must get right beyond the recorded fixtures:
/// timeouts and oversized answers are retries without secrets, more sends than connections queue
/// rather than fail, a batch keeps each message's own outcome in order, and a shut-down driver refuses
/// politely.
@Suite struct HTTP1TransportTests {
    let telegram: Profile
    init() throws { telegram = try ProfileCatalog.load(directory: ChannelsFolder.url).profile("telegram") }

    func driver(baseURL: String, connections: Int = 2, timeout: Duration = .seconds(5)) throws -> HTTPProfileDriver {
        try HTTPProfileDriver(
            profile: telegram, instanceId: "tg", baseURL: baseURL, secrets: ["bot_token": "123456:SECRET-token"],
            connections: connections, timeout: timeout)
    }

    func message(_ index: Int) -> OutboundMessage {
        OutboundMessage(
            deliveryId: Int64(index), jobId: 1, contactId: "c", channel: .messenger, purpose: .transactional,
            topic: nil, addresses: ["telegram:\(1000 + index)"], content: .messenger(text: "کد \(index)"),
            unsubscribeURL: nil, idempotencyKey: "k\(index)", attempt: 1)
    }

    static let okReply = ScriptedReply(
        status: 200, headers: ["Content-Type": "application/json"],
        body: Array(#"{"ok":true,"result":{"message_id":7}}"#.utf8))

    @Test func aProviderThatDoesNotAnswerInTimeIsARetry() async throws {
        try await FakeProvider.run { baseURL, state in
            var slow = Self.okReply
            slow.delay = .seconds(3)
            await state.script(slow)
            let driver = try driver(baseURL: baseURL, timeout: .milliseconds(300))
            let result = await driver.send(message(1))
            await driver.shutdown()
            #expect(result.outcome == .retry)
            #expect(result.error == "network: timeout")
        }
    }

    /// A provider that accepted the message and then talks too much has still sent it: judged by its status and
    /// first mebibyte, it is never sent again. The connection it left half-read is not reused.
    @Test func anAnswerOverOneMebibyteIsJudgedByItsStatusAndNeverResent() async throws {
        try await FakeProvider.run { baseURL, state in
            var huge = Self.okReply
            huge.body = Array(#"{"ok":true,"result":{"message_id":7},"pad":""#.utf8)
                + Array(repeating: UInt8(ascii: "x"), count: (1 << 20) + 10) + Array(#""}"#.utf8)
            await state.script(huge)
            await state.script(
                ScriptedReply(status: 503, headers: [:], body: Array(repeating: UInt8(ascii: " "), count: 3 << 20)),
                whenBodyContains: "1002")
            let driver = try driver(baseURL: baseURL, connections: 1)
            let accepted = await driver.send(message(1))
            let refused = await driver.send(message(2))
            let after = await driver.send(message(3))
            await driver.shutdown()
            // Sent, though without the provider's id: the cut body is not JSON any more.
            #expect(accepted.outcome == .sent)
            #expect(refused.outcome == .retry)
            #expect(after.outcome == .sent)
            #expect(await state.received.count == 3)
        }
    }

    @Test func moreSendsThanConnectionsQueueAndAllArrive() async throws {
        try await FakeProvider.run { baseURL, state in
            await state.script(Self.okReply)
            let driver = try driver(baseURL: baseURL, connections: 3)
            let outcomes = await withTaskGroup(of: AttemptOutcome.self) { group in
                for index in 0..<40 { group.addTask { await driver.send(message(index)).outcome } }
                return await group.reduce(into: [AttemptOutcome]()) { $0.append($1) }
            }
            await driver.shutdown()
            #expect(outcomes.count == 40)
            #expect(outcomes.allSatisfy { $0 == .sent })
            let chats = await Set(state.received.compactMap { Self.chatId(in: $0.body) })
            #expect(chats == Set((0..<40).map { String(1000 + $0) }))
        }
    }

    @Test func aBatchComesBackInOrderWithEachMessagesOwnOutcome() async throws {
        try await FakeProvider.run { baseURL, state in
            await state.script(Self.okReply)
            await state.script(
                ScriptedReply(status: 503, headers: ["Retry-After": "7"], body: Array(#"{"ok":false}"#.utf8)),
                whenBodyContains: "1004")
            await state.script(
                ScriptedReply(
                    status: 400, headers: ["Content-Type": "application/json"],
                    body: Array(#"{"ok":false,"description":"Bad Request: chat not found"}"#.utf8)),
                whenBodyContains: "1009")
            let driver = try driver(baseURL: baseURL, connections: 3)
            let results = await driver.send(batch: (0..<12).map(message), concurrency: 3)
            await driver.shutdown()
            #expect(results.count == 12)
            for (index, result) in results.enumerated() {
                switch index {
                case 4:
                    #expect(result.outcome == .retry)
                    #expect(result.retryAfter == 7)
                case 9:
                    #expect(result.outcome == .invalidAddress)
                    #expect(result.invalidAddresses == ["telegram:1009"])
                default:
                    #expect(result.outcome == .sent)
                    #expect(result.providerMessageId == "7")
                }
                #expect(result.latency != nil)
            }
            #expect(await state.received.count == 12)
        }
    }

    @Test func aBatchOnAShutDownDriverIsAllRetries() async throws {
        try await FakeProvider.run { baseURL, state in
            await state.script(Self.okReply)
            let driver = try driver(baseURL: baseURL)
            await driver.shutdown()
            let results = await driver.send(batch: (0..<3).map(message), concurrency: 2)
            #expect(results.map(\.outcome) == [.retry, .retry, .retry])
            #expect(await state.received.isEmpty)
        }
    }

    @Test func aProviderClosingEveryConnectionStillGetsEachMessage() async throws {
        try await FakeProvider.run { baseURL, state in
            var closing = Self.okReply
            closing.headers["Connection"] = "close"
            await state.script(closing)
            let driver = try driver(baseURL: baseURL, connections: 1)
            var outcomes: [AttemptOutcome] = []
            for index in 0..<5 { outcomes.append(await driver.send(message(index)).outcome) }
            await driver.shutdown()
            #expect(outcomes == Array(repeating: .sent, count: 5))
            #expect(await state.received.count == 5)
        }
    }

    @Test func aShutDownDriverRetriesLater() async throws {
        try await FakeProvider.run { baseURL, state in
            await state.script(Self.okReply)
            let driver = try driver(baseURL: baseURL)
            #expect(await driver.send(message(1)).outcome == .sent)
            await driver.shutdown()
            let result = await driver.send(message(2))
            #expect(result.outcome == .retry)
            #expect(await state.received.count == 1)
        }
    }

    static func chatId(in body: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        return (object["chat_id"] as? String) ?? (object["chat_id"] as? NSNumber)?.stringValue
    }
}
