import Foundation
import HeraldCore
import Testing

/// A contact's fields are shared by its copies until one of them changes: a change must never show in another copy,
/// and the JSON must stay what the API and the stores have always written.
@Suite("Contact as a value")
struct ContactValueTests {
    /// Built anew on each call: two results share no fields, so `==` compares them field by field.
    static var sara: Contact {
        Contact(
            id: "u1", timezone: "Asia/Tehran", locale: "fa", attributes: ["first_name": .string("سارا")],
            email: "sara@example.com", phone: "+989121234567", pushTokens: [PushToken(platform: .fcm, token: "t1")])
    }

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

    /// A record with several bad fields names the first of them in the declared order, and a numeric Telegram chat id
    /// reads as its digits.
    @Test func decodingReportsTheFirstBadFieldAndReadsNumericChatIds() throws {
        let decoder = HeraldJSON.decoder()
        do {
            _ = try decoder.decode(Contact.self, from: Data(#"{"telegram_chat_id": true, "email": 5}"#.utf8))
            Issue.record("a contact without an id was read")
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(key.stringValue == "id")
        }
        do {
            _ = try decoder.decode(Contact.self, from: Data(#"{"id": "u4", "telegram_chat_id": true, "email": 5}"#.utf8))
            Issue.record("an email that is a number was read")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.last?.stringValue == "email")
        }
        let chat = try decoder.decode(Contact.self, from: Data(#"{"id": "u5", "telegram_chat_id": 42}"#.utf8))
        #expect(chat.telegramChatId == "42")
    }

    @Test func aContactPrintsItsFields() {
        let printed = String(describing: Contact(id: "u6", locale: "ar"))
        #expect(printed.hasPrefix("Contact("))
        #expect(printed.contains("id: \"u6\"") && printed.contains("locale: Optional(\"ar\")"))
    }
}
