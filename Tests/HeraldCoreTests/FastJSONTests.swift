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

    @Test func storedTracesReadBackWhole() throws {
        let steps = [
            TraceStep(rule: "stage", outcome: "send", detail: "re-checked right before sending", at: Date(milliseconds: 1_795_435_200_500)),
            TraceStep(rule: "opt_out", outcome: "pass", detail: "at \"noon\"\nلغو \u{1}", consentEventId: 7),
            TraceStep(rule: "consent", outcome: "pass", detail: "record #7", consentEventId: 9, at: Date(milliseconds: -5)),
            TraceStep(rule: "x", outcome: "y", detail: ""),
        ]
        let stored = TraceStep.encode(steps)
        #expect(try TraceStep.decodeStored(stored) == steps)
        // Fixed wording is stored as its number, not its text.
        #expect(!stored.contains("re-checked"))
        #expect(stored.hasPrefix(#"[["stage","send",1,1795435200500],"#))
        #expect(TraceStep.encode([]) == "[]")
        #expect(try TraceStep.decodeStored("[]") == [])
        for phrase in TracePhrases.all {
            let step = TraceStep(rule: "r", outcome: "o", detail: phrase)
            #expect(try TraceStep.decodeStored(TraceStep.encode([step])) == [step])
        }
    }

    /// Rows written before the positional form keep their keyed objects and read as before.
    @Test func tracesStoredAsKeyedObjectsStillRead() throws {
        let old = #"[{"at":"2026-11-23T12:27:49.336Z","consent_event_id":4,"detail":"kept","outcome":"pass","rule":"consent"}]"#
        let read = try #require(try TraceStep.decodeStored(old).first)
        #expect(read.rule == "consent" && read.outcome == "pass" && read.detail == "kept" && read.consentEventId == 4)
        #expect(read.at?.millisecondsSince1970 == 1_795_436_869_336)
        for broken in ["", "{}", "[1]", #"[["r"]]"#, #"[["r","o",999999]]"#, #"[["r","o",-1]]"#] {
            #expect(throws: (any Error).self) { try TraceStep.decodeStored(broken) }
        }
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

    /// Short integers take a fast path; every number must still read as Foundation reads it.
    @Test func numbersReadAsFoundationReadsThem() throws {
        let literals = ["0", "-0", "7", "-15", "123456789012345", "-999999999999999", "1234567890123456", "1.5", "1e3", "-7e-2", "2E+2", "10.0"]
        for literal in literals {
            let expected = try #require(try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [NSNumber]).first
            guard case .array(let items) = try FastJSON.parse("[\(literal)]"), let item = items.first else {
                Issue.record("\(literal) did not parse")
                continue
            }
            #expect(item.doubleValue == expected?.doubleValue, "\(literal)")
        }
        for broken in ["-", "[-]", "[1-]", "[12a]"] {
            #expect(throws: (any Error).self) { try FastJSON.parse(broken) }
        }
    }

    @Test func malformedTextIsAnErrorNotACrash() {
        for text in ["", "{", "[1,", "{\"a\" 1}", "\"unterminated", "tru", "{\"a\":1}x", "[1 2]", "\"\\u12\""] {
            #expect(throws: (any Error).self) { try FastJSON.parse(text) }
        }
        #expect(Contact(storedJSON: "{\"no_id\":1}") == nil)
    }
}
