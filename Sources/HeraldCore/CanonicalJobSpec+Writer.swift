import Foundation

/// A job spec written byte for byte as `HeraldJSON.encoder()` writes it (snake-case keys sorted by their
/// UTF-8 bytes, no slash escaping, `\b` `\f` `\n` `\r` `\t` and lowercase `\u00XX` for the other control
/// characters), without Codable's boxing: intake encoded every job through `JSONEncoder`, 7% of the daemon's
/// CPU under one-contact jobs. The bytes must stay those of the encoder, since stored hashes compare them
/// (`CanonicalJobSpecTests` checks both on random specs).
struct CanonicalJobSpecWriter {
    private(set) var bytes: [UInt8] = []
    /// Per open object: whether a member was written yet (the next one needs a comma).
    private var hasMembers: [Bool] = []

    init(_ spec: JobSpec) {
        bytes.reserveCapacity(256)
        open()
        key("audience")
        audience(spec.audience)
        if let callback = spec.callback {
            key("callback")
            open()
            member("webhook", callback.webhook)
            close()
        }
        member("channels", spec.channels.map(\.rawValue))
        key("content")
        content(spec.content)
        member("expires_at", spec.expiresAt.map(Timestamp.format))
        member("idempotency_key", spec.idempotencyKey)
        member("local_time", spec.localTime)
        member("priority", spec.priority)
        member("purpose", spec.purpose.rawValue)
        member("send_at", spec.sendAt.map(Timestamp.format))
        member("strategy", spec.strategy?.rawValue)
        if let template = spec.template {
            key("template")
            open()
            member("id", template.id)
            member("version", template.version)
            close()
        }
        member("topic", spec.topic)
        close()
    }

    private mutating func audience(_ audience: Audience) {
        open()
        member("contact_ids", audience.contactIds)
        member("segment", audience.segment)
        close()
    }

    private mutating func content(_ content: Content) {
        open()
        if let email = content.email {
            key("email")
            self.email(email)
        }
        if let messenger = content.messenger {
            key("messenger")
            self.messenger(messenger)
        }
        if let push = content.push {
            key("push")
            self.push(push)
        }
        if let sms = content.sms {
            key("sms")
            self.sms(sms)
        }
        close()
    }

    private mutating func email(_ email: Content.Email) {
        open()
        member("html", email.html)
        members("locales", email.locales) { $0.email($1) }
        member("subject", email.subject)
        member("text", email.text)
        close()
    }

    private mutating func messenger(_ messenger: Content.Messenger) {
        open()
        members("locales", messenger.locales) { $0.messenger($1) }
        member("text", messenger.text)
        close()
    }

    private mutating func push(_ push: Content.Push) {
        open()
        member("body", push.body)
        members("data", push.data) { $0.string($1) }
        members("locales", push.locales) { $0.push($1) }
        member("title", push.title)
        close()
    }

    private mutating func sms(_ sms: Content.SMS) {
        open()
        members("locales", sms.locales) { $0.sms($1) }
        member("text", sms.text)
        close()
    }

    // MARK: - JSON pieces

    private mutating func open() {
        bytes.append(UInt8(ascii: "{"))
        hasMembers.append(false)
    }

    private mutating func key(_ name: String) {
        if hasMembers[hasMembers.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasMembers[hasMembers.count - 1] = true
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func close() {
        hasMembers.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// A member, when there is one (the encoder leaves nil out).
    private mutating func member(_ name: String, _ text: String?) {
        guard let text else { return }
        key(name)
        string(text)
    }

    private mutating func member(_ name: String, _ number: Int?) {
        guard let number else { return }
        key(name)
        FastJSON.appendInteger(Int64(number), to: &bytes)
    }

    private mutating func member(_ name: String, _ texts: [String]?) {
        guard let texts else { return }
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, text) in texts.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(text)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A dictionary member, when there is one. The encoder orders dictionary keys by their UTF-8 bytes, not by
    /// `String`'s comparison (which normalizes: a decomposed "é" sorts before "f" in bytes, after it as a `String`).
    private mutating func members<Value>(_ name: String, _ values: [String: Value]?, _ write: (inout Self, Value) -> Void) {
        guard let values else { return }
        key(name)
        open()
        for member in values.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            key(member.key)
            write(&self, member.value)
        }
        close()
    }

    private mutating func string(_ text: String) {
        Self.appendString(text, to: &bytes)
    }

    /// JSONEncoder's escaping, which differs from `FastJSON`'s in `\b` and `\f`.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [0x5C, UInt8(ascii: "\"")]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case ..<0x20: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
