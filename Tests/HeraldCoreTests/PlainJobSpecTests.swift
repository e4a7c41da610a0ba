import Foundation
import PropertyBased
import Testing

@testable import HeraldCore

/// `JobSpec(plainJSON:)` must read every body it accepts as `JSONDecoder` does, and accept nothing the decoder
/// refuses: the decoder's errors are the API's.
@Suite struct PlainJobSpecTests {
    private func decoded(_ json: String) -> JobSpec? {
        try? HeraldJSON.decoder().decode(JobSpec.self, from: Data(json.utf8))
    }

    @Test func readsWhatTheDecoderReads() async {
        await propertyCheck(count: 400, input: CanonicalJobSpecTests.spec) { spec in
            let written = CanonicalJobSpec(spec).json
            // Control characters are written as \u00XX, which the plain reader leaves to the decoder: once as
            // written, once without them, so most random specs take the plain path.
            #expect(JobSpec(plainJSON: Data(written.utf8)) == (written.contains("\\u") ? nil : decoded(written)))
            let json = written.replacing(/\\u00[0-9a-f]{2}/, with: "")
            let plain = JobSpec(plainJSON: Data(json.utf8))
            #expect(plain != nil)
            #expect(plain == decoded(json))
            // `String` equality ignores normalization; the stored bytes must not.
            if let plain, let decoded = decoded(json) {
                #expect(Array(CanonicalJobSpec(plain).json.utf8) == Array(CanonicalJobSpec(decoded).json.utf8))
            }
        }
    }

    static let base = #""idempotency_key":"k","purpose":"transactional","audience":{"contact_ids":["u1"]},"channels":["sms"]"#

    @Test func readsTheUsualBody() throws {
        let json = #"{ "#+Self.base+#", "content": {"sms": {"text": "کد شما ۱۲۳۴ — код 4071 \"ok\" \/ \\"}}, "priority": 9, "topic": null}"#
        let plain = try #require(JobSpec(plainJSON: Data(json.utf8)))
        #expect(plain == decoded(json))
        #expect(plain.priority == 9)
        #expect(plain.topic == nil)
        #expect(plain.content.sms?.text == #"کد شما ۱۲۳۴ — код 4071 "ok" / \"#)
    }

    /// Bodies the decoder refuses (first group) or reads in ways the plain reader does not copy (second group).
    @Test(arguments: [
        #"{"#+base+#","content":{"sms":{"text":"a"}},"priority":05}"#,
        #"{"#+base+#","content":{"sms":{"text":"a"}},"priority":+5}"#,
        #"{"#+base+#","content":{"sms":{"text":"a"}},"priority":5.0}"#,
        #"{"#+base+#","content":{"sms":{"text":"a"}},"priority":1e1}"#,
        #"{"#+base+#","content":{"sms":{"text":"a\x"}}}"#,
        "{"+base+#","content":{"sms":{"text":"a"#+"\n"+#"b"}}}"#,
        #"{"#+base+#","content":{"sms":{"text":"a"}}} x"#,
        #"{"#+base+#","content":{"sms":{"text":"a"}},"priority":"5"}"#,
        #"{"#+base+#","content":{"sms":{"text":null}}}"#,
        #"{"#+base+#"}"#,
        #"{"#+base+#","content":null}"#,
        #"{"#+base+#","content":{"sms":{"text":"a"}},"purpose":"promo"}"#,
        #"{"#+base+#","content":{"sms":{"text":"a"}},"channels":["fax"]}"#,
        #"{"#+base+#","content":{"sms":{"text":"a"}},"send_at":"tomorrow"}"#,
        #"{"#+base+#","content":{"sms":{"text":"a"}},"surprise":true}"#,
        #"{"#+base+#","content":{"sms":{"text":"a","colour":"red"}}}"#,
        // Valid, left to the decoder: an escaped character, camelCase keys, whitespace with line breaks.
        #"{"#+base+#","content":{"sms":{"text":"\u0633"}}}"#,
        #"{"#+base+#","content":{"sms":{"text":"a"}},"sendAt":"2026-12-01T10:00:00Z"}"#,
        "{\n"+base+#","content":{"sms":{"text":"a"}}}"#,
    ])
    func leavesEverythingElseToTheDecoder(_ json: String) {
        #expect(JobSpec(plainJSON: Data(json.utf8)) == nil)
    }

    @Test func leavesDeepNestingToTheDecoder() {
        var variant = #"{"text":"z"}"#
        for _ in 0..<8 { variant = #"{"text":"z","locales":{"fa":"# + variant + "}}" }
        let json = "{" + Self.base + #","content":{"sms":"# + variant + "}}"
        #expect(JobSpec(plainJSON: Data(json.utf8)) == nil)
    }

    /// Past the decoder's 512 levels the readers stop instead of recursing on: many thousands of levels would
    /// overflow a thread's stack.
    @Test func readersStopAtTheDecodersDepth() throws {
        let deep = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        #expect(throws: FastJSON.ParseError.self) { try FastJSON.parse(deep) }
        try JSONIntake.check(Data(deep.utf8))  // malformed for it: left to the decoder, which refuses it
        #expect(throws: (any Error).self) { try HeraldJSON.decoder().decode(JobSpec.self, from: Data(deep.utf8)) }
        let allowed = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try FastJSON.parse(allowed) }
    }

    @Test func leavesInvalidUTF8ToTheDecoder() {
        var bytes = Array(("{" + Self.base + #","content":{"sms":{"text":"a"#).utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(#""}}}"#.utf8)
        #expect(JobSpec(plainJSON: Data(bytes)) == nil)
        #expect((try? HeraldJSON.decoder().decode(JobSpec.self, from: Data(bytes))) == nil)
    }
}
