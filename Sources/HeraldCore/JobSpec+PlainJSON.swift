import Foundation

extension JobSpec {
    /// The usual job body read without `JSONDecoder` (8% of the daemon's CPU under one-contact jobs): snake_case
    /// keys the spec knows, strings without `\u` escapes or control characters, integers without fraction or
    /// exponent. Nil for anything else, valid or not, and the caller decodes it with `HeraldJSON.decoder()`,
    /// whose errors stay the API's. Where both read a body they agree (`PlainJobSpecTests`).
    public init?(plainJSON data: Data) {
        let value = data.withUnsafeBytes { raw -> JSONValue? in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard PlainJSON.isPlain(bytes) else { return nil }
            var parser = FastJSON.Parser(bytes: bytes)
            guard let value = try? parser.value() else { return nil }
            parser.skipSpace()
            return parser.index == bytes.count ? value : nil
        }
        guard let value, let spec = try? PlainJSON.jobSpec(value) else { return nil }
        self = spec
    }
}

/// What `JobSpec(plainJSON:)` reads, and how.
enum PlainJSON {
    struct NotPlain: Error {}

    /// Valid UTF-8, no byte below 0x20 (not even between tokens), escapes only `\" \\ \/ \b \f \n \r \t`,
    /// numbers only as JSON integers, at most 16 levels, and nothing else outside strings but structure and
    /// literal words: what the lenient `FastJSON.Parser` then reads exactly as the decoder would.
    static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        var inString = false
        var depth = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= 0x20 else { return false }
            if inString {
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < bytes.count, plainEscapes.contains(bytes[index + 1]) else { return false }
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") { inString = false }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                index += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                // A job is six levels deep; anything much deeper is the decoder's to refuse.
                depth += 1
                guard depth <= 16 else { return false }
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                index += 1
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard let end = integerEnd(bytes, from: index) else { return false }
                index = end
            default:
                // Structure and the letters of true, false and null; the parser checks the words themselves.
                guard plainStructure.contains(byte) else { return false }
                index += 1
            }
        }
        return !inString
    }

    private static let plainEscapes = Array(#""\/bfnrt"#.utf8)
    private static let plainStructure = Array(":, truefalsn".utf8)

    /// Where a JSON integer starting at `start` ends (`-?(0|[1-9][0-9]*)`, followed by no digit, `.`, `e` or `E`).
    private static func integerEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digits = index
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        guard index > digits, index - digits < 16, !(index - digits > 1 && bytes[digits] == UInt8(ascii: "0")) else { return nil }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) { return nil }
        return index
    }

    static func jobSpec(_ value: JSONValue) throws -> JobSpec {
        let members = try object(value, keys: jobKeys)
        let template = try optional(members["template"]) { value in
            let template = try object(value, keys: ["id", "version"])
            return TemplateRef(id: try string(template["id"]), version: try optional(template["version"], integer))
        }
        let content = try optional(members["content"], self.content)
        guard template != nil || content != nil else { throw NotPlain() }
        var spec = JobSpec(
            idempotencyKey: try string(members["idempotency_key"]),
            purpose: try rawValue(members["purpose"]),
            topic: try optional(members["topic"], string),
            priority: try optional(members["priority"], integer),
            audience: try audience(members["audience"]),
            channels: try array(members["channels"], rawValue),
            strategy: try optional(members["strategy"], rawValue),
            content: content ?? Content(),
            sendAt: try optional(members["send_at"], date),
            localTime: try optional(members["local_time"], string),
            expiresAt: try optional(members["expires_at"], date),
            template: template)
        spec.callback = try optional(members["callback"]) { value in
            JobCallback(webhook: try string(try object(value, keys: ["webhook"])["webhook"]))
        }
        return spec
    }

    private static let jobKeys: Set<String> = [
        "idempotency_key", "purpose", "topic", "priority", "audience", "channels", "strategy", "content", "template",
        "send_at", "local_time", "expires_at", "callback",
    ]

    private static func audience(_ value: JSONValue?) throws -> Audience {
        let members = try object(value, keys: ["contact_ids", "segment"])
        return Audience(
            contactIds: try optional(members["contact_ids"]) { try array($0, string) },
            segment: try optional(members["segment"], string))
    }

    private static func content(_ value: JSONValue) throws -> Content {
        let members = try object(value, keys: ["email", "sms", "push", "messenger"])
        return Content(
            email: try optional(members["email"], email), sms: try optional(members["sms"], sms),
            push: try optional(members["push"], push), messenger: try optional(members["messenger"], messenger))
    }

    private static func email(_ value: JSONValue) throws -> Content.Email {
        let members = try object(value, keys: ["subject", "text", "html", "locales"])
        return Content.Email(
            subject: try string(members["subject"]), text: try string(members["text"]),
            html: try optional(members["html"], string), locales: try optional(members["locales"]) { try map($0, email) })
    }

    private static func sms(_ value: JSONValue) throws -> Content.SMS {
        let members = try object(value, keys: ["text", "locales"])
        return Content.SMS(text: try string(members["text"]), locales: try optional(members["locales"]) { try map($0, sms) })
    }

    private static func push(_ value: JSONValue) throws -> Content.Push {
        let members = try object(value, keys: ["title", "body", "data", "locales"])
        return Content.Push(
            title: try string(members["title"]), body: try string(members["body"]),
            data: try optional(members["data"]) { try map($0, string) },
            locales: try optional(members["locales"]) { try map($0, push) })
    }

    private static func messenger(_ value: JSONValue) throws -> Content.Messenger {
        let members = try object(value, keys: ["text", "locales"])
        return Content.Messenger(
            text: try string(members["text"]), locales: try optional(members["locales"]) { try map($0, messenger) })
    }

    // MARK: - Values

    private static func object(_ value: JSONValue?, keys: Set<String>) throws -> [String: JSONValue] {
        guard let members = value?.objectValue, members.keys.allSatisfy(keys.contains) else { throw NotPlain() }
        return members
    }

    /// Absent and `null` are both nil, as `decodeIfPresent` has them.
    private static func optional<T>(_ value: JSONValue?, _ read: (JSONValue) throws -> T) throws -> T? {
        guard let value, value != .null else { return nil }
        return try read(value)
    }

    private static func string(_ value: JSONValue?) throws -> String {
        guard let text = value?.stringValue else { throw NotPlain() }
        return text
    }

    private static func integer(_ value: JSONValue?) throws -> Int {
        guard case .number(let number) = value, let integer = Int(exactly: number), abs(integer) < 1 << 53 else {
            throw NotPlain()
        }
        return integer
    }

    private static func rawValue<T: RawRepresentable<String>>(_ value: JSONValue?) throws -> T {
        guard let parsed = T(rawValue: try string(value)) else { throw NotPlain() }
        return parsed
    }

    private static func date(_ value: JSONValue) throws -> Date {
        guard let date = Timestamp.parse(try string(value)) else { throw NotPlain() }
        return date
    }

    private static func array<T>(_ value: JSONValue?, _ read: (JSONValue) throws -> T) throws -> [T] {
        guard case .array(let items) = value else { throw NotPlain() }
        return try items.map(read)
    }

    private static func map<T>(_ value: JSONValue, _ read: (JSONValue) throws -> T) throws -> [String: T] {
        guard let members = value.objectValue else { throw NotPlain() }
        return try members.mapValues(read)
    }
}
