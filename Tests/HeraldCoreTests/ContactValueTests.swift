import Foundation
import HeraldCore
import Testing

/// A contact's fields are shared by its copies until one of them changes: a change must never show in another copy,
/// and the JSON must stay what the API and the stores have always written.
@Suite("Contact as a value")
struct ContactValueTests {
    static let sara = Contact(
        id: "u1", timezone: "Asia/Tehran", locale: "fa", attributes: ["first_name": .string("سارا")],
        email: "sara@example.com", phone: "+989121234567", pushTokens: [PushToken(platform: .fcm, token: "t1")])

    @Test func changingACopyLeavesTheOthersAsTheyWere() {
        var changed = Self.sara
        let kept = changed
        changed.email = "other@example.com"
        changed.attributes["first_name"] = .string("Anna")
        changed.pushTokens.append(PushToken(platform: .apns, token: "t2"))
        #expect(kept.email == "sara@example.com")
        #expect(kept.attributes["first_name"] == .string("سارا"))
        #expect(kept.pushTokens.count == 1)
        #expect(kept == Self.sara)
        #expect(changed != kept)
        #expect(changed.email == "other@example.com" && changed.pushTokens.count == 2)
    }

    @Test func equalFieldsMakeEqualContactsWhateverTheirHistory() {
        var rebuilt = Contact(id: "u1")
        rebuilt.timezone = "Asia/Tehran"
        rebuilt.locale = "fa"
        rebuilt.attributes = ["first_name": .string("سارا")]
        rebuilt.email = "sara@example.com"
        rebuilt.phone = "+989121234567"
        rebuilt.pushTokens = [PushToken(platform: .fcm, token: "t1")]
        #expect(rebuilt == Self.sara)
        #expect(Set([rebuilt, Self.sara]).count == 1)
    }

    /// Absent optionals are left out; attributes and push tokens are always written.
    @Test func encodingWritesTheSameKeysAsBefore() throws {
        let bare = try JSONSerialization.jsonObject(with: HeraldJSON.encoder().encode(Contact(id: "u2"))) as? [String: Any]
        #expect(bare.map { Set($0.keys) } == ["id", "attributes", "push_tokens"])
        let full = Contact(
            id: "u3", timezone: "UTC", locale: "ru", attributes: ["n": .number(1)], email: "a@b.io", phone: "+447700900123",
            pushTokens: [], telegramChatId: "42", whatsapp: "+447700900123")
        let data = try HeraldJSON.encoder().encode(full)
        let keys = (try JSONSerialization.jsonObject(with: data) as? [String: Any]).map { Set($0.keys) }
        #expect(
            keys == ["id", "timezone", "locale", "attributes", "email", "phone", "push_tokens", "telegram_chat_id", "whatsapp"])
        #expect(try HeraldJSON.decoder().decode(Contact.self, from: data) == full)
    }
}
