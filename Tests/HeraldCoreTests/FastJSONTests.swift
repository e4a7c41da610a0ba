import Foundation
import Testing

@testable import HeraldCore

/// The hand-written JSON on the hot path must read and write exactly what the Codable types do.
@Suite struct FastJSONTests {
    static let contacts: [Contact] = [
        Contact(
            id: "u-1", timezone: "Asia/Tehran", locale: "fa",
            attributes: [
                "first_name": "سارا", "tags": ["vip", "loyal"], "days": 42, "ratio": 0.25, "ok": true, "none": .null,
                "nested": ["quote": "he said \"hi\"\n\tand left \\ \u{1}"],
            ],
            email: "sara@example.com", phone: "+989121234567",
            pushTokens: [PushToken(platform: .fcm, token: "t1"), PushToken(platform: .apns, token: "abcd")],
            telegramChatId: "42", whatsapp: "+989121234567"),
        Contact(id: "bare"),
        Contact(id: "emoji 😀 и кириллица", attributes: ["e": "👨‍👩‍👧 \u{2028}"]),
    ]

    @Test(arguments: contacts) func storedContactRoundTripsAndMatchesCodable(_ contact: Contact) throws {
        let stored = contact.storedJSON
        #expect(Contact(storedJSON: stored) == contact)
        #expect(try HeraldJSON.decoder().decode(Contact.self, from: Data(stored.utf8)) == contact)
        let codable = String(decoding: try HeraldJSON.encoder().encode(contact), as: UTF8.self)
        #expect(Contact(storedJSON: codable) == contact)
    }

    @Test func tracesEncodeToWhatCodableReads() throws {
        let steps = [
            TraceStep(rule: "stage", outcome: "send", detail: "at \"noon\"\nلغو", at: Date(timeIntervalSince1970: 1_795_435_200.5)),
            TraceStep(rule: "consent", outcome: "pass", detail: "record #7", consentEventId: 7),
            TraceStep(rule: "x", outcome: "y", detail: ""),
        ]
        let decoded = try HeraldJSON.decoder().decode([TraceStep].self, from: Data(TraceStep.encode(steps).utf8))
        #expect(decoded == steps)
        #expect(TraceStep.encode([]) == "[]")
    }

    /// Consent digests hash this text: control characters must stay `\u00XX` in lower-case hex, and the
    /// byte and `String` writers must agree.
    @Test func stringsEscapeTheSameAsBytesAndAsText() {
        let texts = ["plain", "", "q\"b\\s", "\u{0}\u{1}\u{1f}\n\r\t", "فارسی 😀 \u{7f}"]
        for text in texts {
            var string = ""
            FastJSON.appendString(text, to: &string)
            var bytes: [UInt8] = []
            FastJSON.appendString(text, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == string)
            let decoded = try? JSONSerialization.jsonObject(with: Data("[\(string)]".utf8)) as? [String]
            #expect(decoded == [text])
        }
        var escaped = ""
        FastJSON.appendString("a\u{1}\u{1f}", to: &escaped)
        #expect(escaped == #""a\u0001\u001f""#)
    }

    @Test func timestampsMatchTheFormatter() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let ms = Int64.random(in: -2_000_000_000_000...6_000_000_000_000, using: &generator)
            let date = Date(milliseconds: ms)
            // Exact to the stored millisecond (Foundation's formatter can floor a binary fraction 1 ms low).
            let parsed = Timestamp.parse(FastJSON.timestamp(date))?.timeIntervalSince1970 ?? 0
            #expect(abs(parsed * 1000 - Double(ms)) < 0.01, "\(ms)")
        }
        #expect(FastJSON.timestamp(Date(milliseconds: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(FastJSON.timestamp(Date(milliseconds: 951_782_400_000)) == "2000-02-29T00:00:00.000Z")
    }

    @Test func malformedTextIsAnErrorNotACrash() {
        for text in ["", "{", "[1,", "{\"a\" 1}", "\"unterminated", "tru", "{\"a\":1}x", "[1 2]", "\"\\u12\""] {
            #expect(throws: (any Error).self) { try FastJSON.parse(text) }
        }
        #expect(Contact(storedJSON: "{\"no_id\":1}") == nil)
    }
}
