import Foundation
import PropertyBased
import Testing

@testable import HeraldCore

/// The hand-written canonical form must be the encoder's, byte for byte: jobs stored before it compare their
/// hashes with it on every idempotent retry.
@Suite struct CanonicalJobSpecTests {
    /// Characters where encoders differ: every control character, quote, backslash, slash, DEL, line and
    /// paragraph separators, a decomposed "é" (sorts differently as bytes and as a `String`), Persian, Russian,
    /// an emoji.
    static let pieces: [String] =
        (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }
        + ["\"", "\\", "/", "\u{7F}", "\u{2028}", "\u{2029}", "e\u{301}", "é", "f", "A", "a", "_", "-", "1", " "]
        + ["سلام", "ک", "۱۲۳", "Привет", "ё", "😀", "{{code}}", "&<>"]
    static let text = Gen.element(of: pieces).map { $0! }.array(of: 0...6).map { $0.joined() }
    static let key = Gen.element(of: ["fa", "pt-BR", "ru", "ar", "en-US", "e\u{301}", "f", "deepLink", "_x", "A"]).map { $0! }
    static let date = Gen.int(in: 1_700_000_000_000...1_900_000_000_000).map { Date(timeIntervalSince1970: Double($0) / 1000) }

    static let sms = zip(text, key.array(of: 0...3), text).map { text, tags, variant in
        Content.SMS(text: text, locales: tags.isEmpty ? nil : Dictionary(tags.map { ($0, Content.SMS(text: variant)) }) { a, _ in a })
    }
    static let email = zip(text, text, text.optional, key.array(of: 0...2)).map { subject, body, html, tags in
        Content.Email(
            subject: subject, text: body, html: html,
            locales: tags.isEmpty ? nil : Dictionary(tags.map { ($0, Content.Email(subject: body, text: subject)) }) { a, _ in a })
    }
    static let push = zip(text, text, zip(key, text).array(of: 0...3), Gen.bool()).map { title, body, data, hasData in
        var push = Content.Push(title: title, body: body, data: hasData ? Dictionary(data) { a, _ in a } : nil)
        if data.count > 1 { push.locales = [data[0].0: Content.Push(title: body, body: title)] }
        return push
    }
    static let content = zip(sms.optional, email.optional, push.optional, text.optional).map { sms, email, push, messenger in
        Content(email: email, sms: sms, push: push, messenger: messenger.map { Content.Messenger(text: $0) })
    }
    static let audience = zip(text.array(of: 0...3).optional, text.optional).map { Audience(contactIds: $0, segment: $1) }
    static let spec = zip(
        zip(text, Gen.element(of: [Purpose.transactional, .marketing]).map { $0! }, text.optional, Gen.int(in: -1...10).optional, audience),
        zip(Gen<ChannelKind>.case.array(of: 0...3), Gen.element(of: [Strategy.first, .all]).map { $0! }.optional, content, date.optional, date.optional),
        zip(text.optional, text.optional, Gen.int(in: 0...9).optional, text.optional)
    ).map { first, second, third in
        let (key, purpose, topic, priority, audience) = first
        let (channels, strategy, content, sendAt, expiresAt) = second
        let (localTime, templateId, version, webhook) = third
        var spec = JobSpec(
            idempotencyKey: key, purpose: purpose, topic: topic, priority: priority, audience: audience, channels: channels,
            strategy: strategy, content: content, sendAt: sendAt, localTime: localTime, expiresAt: expiresAt,
            template: templateId.map { TemplateRef(id: $0, version: version) })
        spec.callback = webhook.map(JobCallback.init)
        return spec
    }

    /// With defaults left out first: a spec that omits them hashes as it did before they were.
    @Test func writesWhatTheEncoderWrites() async {
        await propertyCheck(count: 400, input: Self.spec) { spec in
            let encoded = try HeraldJSON.encoder().encode(spec.withoutDefaults)
            let canonical = CanonicalJobSpec(spec)
            #expect(canonical.json == String(decoding: encoded, as: UTF8.self))
            #expect(canonical.hash == Hashing.sha256Hex(encoded))
        }
    }

    /// A retry may spell out what the first request left to its default, or the other way round.
    @Test func defaultsSpelledOutHashAsLeftOut() async {
        await propertyCheck(count: 200, input: Self.spec) { spec in
            var bare = spec
            bare.priority = nil
            bare.strategy = nil
            var spelledOut = bare
            spelledOut.priority = bare.defaultPriority
            spelledOut.strategy = .first
            let bareEncoded = try HeraldJSON.encoder().encode(bare)
            #expect(spelledOut.canonicalHash() == bare.canonicalHash())
            #expect(CanonicalJobSpec(spelledOut).json == String(decoding: bareEncoded, as: UTF8.self))

            var otherPriority = bare
            otherPriority.priority = bare.defaultPriority + 1
            var otherStrategy = bare
            otherStrategy.strategy = .all
            #expect(otherPriority.canonicalHash() != bare.canonicalHash())
            #expect(otherStrategy.canonicalHash() != bare.canonicalHash())
        }
    }

    @Test func eachPurposeHasItsOwnDefaultPriority() {
        let transactional = JobSpec(
            idempotencyKey: "k", purpose: .transactional, priority: 5, audience: Audience(contactIds: ["u1"]),
            channels: [.sms], content: Content(sms: .init(text: "hi")))
        var marketing = transactional
        marketing.purpose = .marketing
        #expect(!CanonicalJobSpec(transactional).json.contains("priority"))
        #expect(CanonicalJobSpec(marketing).json.contains(#""priority":5"#))
        marketing.priority = 0
        #expect(!CanonicalJobSpec(marketing).json.contains("priority"))
    }

    @Test func decodesBackToTheSameSpec() async {
        await propertyCheck(count: 200, input: Self.spec) { spec in
            let json = CanonicalJobSpec(spec).json
            let decoded = try HeraldJSON.decoder().decode(JobSpec.self, from: Data(json.utf8))
            #expect(decoded.idempotencyKey == spec.idempotencyKey)
            #expect(decoded.content == spec.content)
            #expect(decoded.audience == spec.audience)
            #expect(decoded.channels == spec.channels)
            #expect(decoded.template == spec.template)
            #expect(decoded.callback == spec.callback)
        }
    }

    /// A claim reads each job's stored spec through the spec cache, which tries the plain reader first.
    @Test func theSpecCacheReadsAStoredSpecAsTheDecoderDoes() async {
        await propertyCheck(count: 200, input: Self.spec) { spec in
            let json = CanonicalJobSpec(spec).json
            let decoded = try HeraldJSON.decoder().decode(JobSpec.self, from: Data(json.utf8))
            #expect(try JobSpecCache().spec(jobId: 1, json: json) == decoded)
        }
    }
}
