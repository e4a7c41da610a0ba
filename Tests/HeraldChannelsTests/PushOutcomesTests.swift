import HeraldCore
import Testing

@testable import HeraldChannels

/// How per-token answers become the one result the engine records for a push delivery.
@Suite struct PushOutcomesTests {
    @Test func theFirstSentTokenNamesTheMessageAndDeadTokensAreListed() {
        let result = PushOutcomes.combine(
            [
                ("fcm:a", .retry(after: 5, reason: "fcm 503 UNAVAILABLE")),
                ("fcm:b", .sent(messageId: "id-b")),
                ("fcm:c", .invalidToken(reason: "fcm 404 UNREGISTERED")),
                ("fcm:d", .sent(messageId: "id-d")),
            ], channel: "fcm")
        #expect(result.outcome == .sent)
        #expect(result.providerMessageId == "id-b")
        #expect(result.invalidAddresses == ["fcm:c"])
    }

    @Test func anyTransientFailureRetriesWhenNothingWasSent() {
        let result = PushOutcomes.combine(
            [
                ("fcm:a", .permanent(reason: "fcm 403 SENDER_ID_MISMATCH")),
                ("fcm:b", .retry(after: 30, reason: "fcm 429 QUOTA_EXCEEDED")),
                ("fcm:c", .retry(after: 10, reason: "fcm 503 UNAVAILABLE")),
                ("fcm:d", .invalidToken(reason: "fcm 404 UNREGISTERED")),
            ], channel: "fcm")
        #expect(result.outcome == .retry)
        #expect(result.retryAfter == 30)
        #expect(result.invalidAddresses == ["fcm:d"])
    }

    @Test func permanentUnlessEveryTokenIsDead() {
        let mixed = PushOutcomes.combine(
            [
                ("apns:a", .invalidToken(reason: "apns 410 Unregistered")),
                ("apns:b", .permanent(reason: "apns 400 BadTopic")),
            ],
            channel: "apns")
        #expect(mixed.outcome == .permanent)
        #expect(mixed.error == "apns 400 BadTopic")
        #expect(mixed.invalidAddresses == ["apns:a"])
        let dead = PushOutcomes.combine([("apns:a", .invalidToken(reason: "apns 410 Unregistered"))], channel: "apns")
        #expect(dead.outcome == .invalidAddress)
        #expect(PushOutcomes.combine([], channel: "apns").outcome == .permanent)
    }
}
