import Foundation
import HeraldCore
import Testing

@Suite("Suppression addresses and import files")
struct SuppressionAddressTests {
    @Test("addresses keep the form the policy compares: trimmed, never re-cased")
    func normalisedAsThePolicyComparesThem() throws {
        #expect(try SuppressionAddress.normalize("  Ann@Example.com\n") == "Ann@Example.com")
        #expect(try SuppressionAddress.normalize("+989121234567") == "+989121234567")
        #expect(try SuppressionAddress.normalize("fcm:abc:DEF-1") == "fcm:abc:DEF-1")
        #expect(try SuppressionAddress.normalize("telegram:12345") == "telegram:12345")
        #expect(try SuppressionAddress.normalize("whatsapp:+989121234567") == "whatsapp:+989121234567")
        // Each is what `Contact.addresses(on:)` lists for the same contact.
        let contact = Contact(
            id: "u1", email: "Ann@Example.com", phone: "+989121234567",
            pushTokens: [PushToken(platform: .fcm, token: "abc:DEF-1")], telegramChatId: "12345",
            whatsapp: "+989121234567")
        let listed = Set(ChannelKind.allCases.flatMap { contact.addresses(on: $0) })
        for raw in ["Ann@Example.com", "+989121234567", "fcm:abc:DEF-1", "telegram:12345", "whatsapp:+989121234567"] {
            #expect(listed.contains(try SuppressionAddress.normalize(raw)))
        }
    }

    @Test("a bad address is refused without repeating it")
    func refusedWithoutTheAddress() {
        for raw in ["", "09121234567", "ann@nodot", "whatsapp:0912", "fax:123", "telegram: 12"] {
            do {
                _ = try SuppressionAddress.normalize(raw)
                Issue.record("accepted \(raw)")
            } catch {
                #expect(error.field == "address")
                #expect(raw.isEmpty || !error.message.contains(raw))
            }
        }
        // A NUL was cut off by SQLite: `a\0@b.com` became a suppression of `a` that nothing could remove.
        for raw in ["a\u{0}@b.com", "+98912\u{0}1234567", "fcm:abc\u{7}", "telegram:1\u{0}2"] {
            #expect(throws: HeraldError.self) { try SuppressionAddress.normalize(raw) }
            #expect((try? SuppressionAddress.normalize(raw)) == nil)
        }
        do {
            _ = try SuppressionAddress.normalize("a\u{0}@b.com")
        } catch {
            #expect(error.code == Identifier.controlCharactersCode)
        }
        #expect(throws: HeraldError.self) { try SuppressionAddress.validateReason("Hard Bounce") }
        #expect(throws: Never.self) { try SuppressionAddress.validateReason("hard_bounce") }
    }

    @Test("an import mixes plain lines and NDJSON, skips blanks and comments")
    func importMixesLines() throws {
        let file = """
            # exported from the old ESP
            ann@example.com

            {"address": "+989121234567", "reason": "complaint", "note": "spam report"}
            {"address": "fcm:tok"}
            """
        let entries = try SuppressionImport.parse(Data(file.utf8), defaultReason: "manual", defaultNote: "migration")
        #expect(
            entries == [
                SuppressionEntry(address: "ann@example.com", reason: "manual", note: "migration"),
                SuppressionEntry(address: "+989121234567", reason: "complaint", note: "spam report"),
                SuppressionEntry(address: "fcm:tok", reason: "manual", note: "migration"),
            ])
    }

    @Test("a bad line is named by its number, not its content")
    func badLineNamed() {
        let file = "ann@example.com\n\nbob@example.com\nnot-an-address-secret\n"
        do {
            _ = try SuppressionImport.parse(Data(file.utf8), defaultReason: "manual")
            Issue.record("accepted a bad line")
        } catch {
            #expect(error.field == "line 4")
            #expect(!error.message.contains("not-an-address-secret"))
        }
        do {
            _ = try SuppressionImport.parse(Data(#"{"address": 5}"#.utf8), defaultReason: "manual")
            Issue.record("accepted a bad line")
        } catch {
            #expect(error.field == "line 1")
            #expect(error.message.hasPrefix("address:"))
        }
    }
}
