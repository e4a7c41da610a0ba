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
    /// A line held as its parts (`TraceWording`) is stored byte for byte as its text would be, and reads back as it.
    @Test func linesWrittenFromTheirPartsAreStoredAsTheirText() throws {
        final class Clock: TraceClock {
            func appendLocalTime(of date: Date, to bytes: inout [UInt8]) { bytes += "2026-03-08 03:00 Sun Europe/London".utf8 }
        }
        let event = ConsentEvent(
            id: 12,
            input: ConsentInput(
                contactId: "c", channel: "sms", topic: "news\"letter", status: .granted, source: "web_form", occurredAt: Date()),
            recordedAt: Date(), prevHash: ConsentChain.genesis)
        let record = TraceWording.consentRecord(prefix: "granted by topic record ", events: [event], index: 0)
        #expect(record.text == "granted by topic record #12 (sms, news\"letter) granted via web_form")
        let address = TraceWording.maskedAddress(label: "email address ", address: "q\"u@example.com", others: 2)
        #expect(address.text == "email address q***@example.com (+2 more)")
        let wordings = [
            record, address, .maskedAddress(label: "sms address ", address: "+989121234567", others: 0),
            .maskedAddress(label: "email address ", address: "سارا@example.ir", others: 0),
            .localTime(prefix: "open at ", clock: Clock(), date: Date()),
        ]
        for wording in wordings {
            let parts = TraceStep(rule: "r", outcome: "pass", wording: wording, consentEventId: 4, at: Date(milliseconds: 5))
            let text = TraceStep(rule: "r", outcome: "pass", detail: wording.text, consentEventId: 4, at: Date(milliseconds: 5))
            #expect(TraceStep.encode([parts]) == TraceStep.encode([text]), "\(wording.text)")
            #expect(try TraceStep.decodeStored(TraceStep.encode([parts])) == [text])
            #expect(parts == text && parts.hashValue == text.hashValue)
        }
    }

    @Test func tracesStoredAsKeyedObjectsStillRead() throws {
        let old = #"[{"at":"2026-11-23T12:27:49.336Z","consent_event_id":4,"detail":"kept","outcome":"pass","rule":"consent"}]"#
        let read = try #require(try TraceStep.decodeStored(old).first)
        #expect(read.rule == "consent" && read.outcome == "pass" && read.detail == "kept" && read.consentEventId == 4)
        #expect(read.at?.millisecondsSince1970 == 1_795_436_869_336)
        let sparse = try TraceStep.decodeStored(#"[["r","o","d",null,9007199254740993]]"#)
        #expect(sparse == [TraceStep(rule: "r", outcome: "o", detail: "d", consentEventId: 9_007_199_254_740_993)])
        let broken = [
            "", "{}", "[1]", #"[["r"]]"#, #"[["r","o",999999]]"#, #"[["r","o",-1]]"#, #"[["r","o",1.5]]"#,
            #"[["r","o","d","noon"]]"#, #"[["r","o","d",1e999]]"#, #"[["r","o","d",null,"7"]]"#, #"[["r","o","d",1,2,3]]"#,
        ]
        for broken in broken {
            #expect(throws: (any Error).self) { try TraceStep.decodeStored(broken) }
        }
    }

    /// Consent digests hash this text, so the byte writers must write what the String-based writers of
    /// before did, for every byte and every year. `Reference` keeps those writers.
    @Test func stringsAndTimestampsAreWrittenAsBefore() {
        var texts = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }
        texts += ["plain", "", "q\"b\\s", "a\u{0}b\u{1f}c\n", "فارسی 😀 \u{7f}", "Привет \t\r"]
        // Every ASCII byte at every place of a longer text: the scan reads eight bytes at a time, then the rest.
        for byte in 0..<0x80 {
            for place in 0..<17 {
                var scalars = Array("abcdefghijklmnopq".unicodeScalars)
                scalars[place] = UnicodeScalar(UInt8(byte))
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                texts.append(String(view))
            }
        }
        for text in texts {
            var string = ""
            FastJSON.appendString(text, to: &string)
            var bytes: [UInt8] = []
            FastJSON.appendString(text, to: &bytes)
            #expect(string == Reference.string(text), "\(Array(text.utf8))")
            #expect(String(decoding: bytes, as: UTF8.self) == Reference.string(text))
        }
        let years: [Int64] = [-2000, -1, 0, 1, 999, 1969, 2026, 9999, 10000, 12345]
        for year in years {
            // Proleptic Gregorian 1 January of `year`, 12:34:56.789 UTC.
            let days = Reference.daysFromCivil(year: year, month: 1, day: 1)
            let date = Date(milliseconds: days * 86_400_000 + 45_296_789)
            #expect(FastJSON.timestamp(date) == Reference.timestamp(date), "\(year)")
        }
    }

    /// The writers as they were before they wrote bytes.
    enum Reference {
        static func string(_ text: String) -> String {
            var bytes: [UInt8] = []
            for byte in text.utf8 {
                switch byte {
                case 0x22: bytes += [0x5C, 0x22]
                case 0x5C: bytes += [0x5C, 0x5C]
                case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
                case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
                case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
                case ..<0x20: bytes += Array(String(format: "\\u%04x", byte).utf8)
                default: bytes.append(byte)
                }
            }
            return "\"" + String(decoding: bytes, as: UTF8.self) + "\""
        }

        static func timestamp(_ date: Date) -> String {
            let ms = date.millisecondsSince1970
            var days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
            let msOfDay = ms - days * 86_400_000
            days += 719_468
            let era = (days >= 0 ? days : days - 146_096) / 146_097
            let dayOfEra = days - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let mp = (5 * dayOfYear + 2) / 153
            let day = dayOfYear - (153 * mp + 2) / 5 + 1
            let month = mp < 10 ? mp + 3 : mp - 9
            let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
            func pad(_ n: Int64, _ width: Int) -> String {
                let s = String(n)
                return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(msOfDay / 3_600_000, 2)):"
                + "\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
        }

        /// Howard Hinnant's days_from_civil: days since 1970-01-01.
        static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }
    }

    @Test func integersAreWrittenAsStringWritesThem() {
        var generator = SystemRandomNumberGenerator()
        var values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, .max, .min, .max - 1, .min + 1]
        values += (0..<5000).map { _ in Int64.random(in: .min ... .max, using: &generator) >> Int64.random(in: 0...63, using: &generator) }
        for value in values {
            var bytes: [UInt8] = []
            FastJSON.appendInteger(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
        var padded: [UInt8] = []
        FastJSON.appendPadded(-1, width: 4, to: &padded)
        FastJSON.appendPadded(7, width: 3, to: &padded)
        FastJSON.appendPadded(12345, width: 2, to: &padded)
        #expect(String(decoding: padded, as: UTF8.self) == "00-100712345")
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

    @Test("a contact read member by member keeps the last of a repeated key, as parse does, and needs an object")
    func contactMembers() throws {
        let text = #"{"id":"a","phone":"+15550000001","id":"b","attributes":{"x":1},"attributes":{"y":2}}"#
        let contact = try #require(Contact(storedJSON: text))
        #expect(contact.id == "b")
        #expect(contact.attributes == ["y": .number(2)])
        var keys: [String] = []
        try FastJSON.forEachMember(in: text) { key, _ in keys.append(key) }
        #expect(keys == ["id", "phone", "id", "attributes", "attributes"])
        #expect(Contact(storedJSON: #"{"id":7}"#) == nil)
        #expect(Contact(storedJSON: #"{"id":"a"} {}"#) == nil, "members were read before the text turned out not to be one object")
        for text in ["[1]", "\"id\"", "{\"id\":\"a\"} {}", ""] {
            #expect(throws: (any Error).self) { try FastJSON.forEachMember(in: text) { _, _ in } }
        }
    }
}
