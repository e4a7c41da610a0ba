/// What placeholders resolve to for one send (or one check request).
public struct TemplateValues: Sendable {
    /// The fields every message has, one stored slot each: a compiled template reads a slot instead of
    /// hashing a name per placeholder, and a driver fills only the slots its profile uses.
    var known: KnownFields
    /// Fields outside `fieldNames` (only hand-built values have any).
    var otherFields: [String: String]
    public var options: [String: String]
    public var secrets: [String: String]

    public init(fields: [String: String] = [:], options: [String: String] = [:], secrets: [String: String] = [:]) {
        self.known = KnownFields()
        self.otherFields = [:]
        self.options = options
        self.secrets = secrets
        self.fields = fields
    }

    init(known: KnownFields, options: [String: String], secrets: [String: String]) {
        self.known = known
        self.otherFields = [:]
        self.options = options
        self.secrets = secrets
    }

    /// Every field by name, as one dictionary (built on each read).
    public var fields: [String: String] {
        get {
            var all = otherFields
            for slot in FieldSlot.allCases { if let value = known[slot] { all[slot.name] = value } }
            return all
        }
        set {
            known = KnownFields()
            otherFields = [:]
            for (name, value) in newValue {
                if let slot = FieldSlot(name: name) { known[slot] = value } else { otherFields[name] = value }
            }
        }
    }

    /// Names every template may use besides `secret.*` and `option.*`.
    public static let fieldNames: Set<String> = [
        "to", "to_digits", "text", "from", "idempotency_key", "delivery_id", "job_id", "attempt",
    ]

    public func value(for name: String) -> String? {
        if name.hasPrefix("secret.") { return secrets[String(name.dropFirst(7))] }
        if name.hasPrefix("option.") { return options[String(name.dropFirst(7))] }
        if name == "from" { return options["from"] }
        if let slot = FieldSlot(name: name) { return known[slot] }
        return otherFields[name]
    }
}

/// The per-message fields a template can name (`from` is an option, not a field).
enum FieldSlot: Int, CaseIterable, Sendable {
    case to, toDigits, text, idempotencyKey, deliveryId, jobId, attempt

    init?(name: String) {
        switch name {
        case "to": self = .to
        case "to_digits": self = .toDigits
        case "text": self = .text
        case "idempotency_key": self = .idempotencyKey
        case "delivery_id": self = .deliveryId
        case "job_id": self = .jobId
        case "attempt": self = .attempt
        default: return nil
        }
    }

    var name: String {
        switch self {
        case .to: "to"
        case .toDigits: "to_digits"
        case .text: "text"
        case .idempotencyKey: "idempotency_key"
        case .deliveryId: "delivery_id"
        case .jobId: "job_id"
        case .attempt: "attempt"
        }
    }
}

/// A set of `FieldSlot`s, as bits: which fields a profile's templates read.
struct FieldSlots: OptionSet, Sendable {
    let rawValue: UInt8

    init(rawValue: UInt8) { self.rawValue = rawValue }
    init(_ slot: FieldSlot) { self.rawValue = 1 << UInt8(slot.rawValue) }

    static let to = FieldSlots(.to)
    static let toDigits = FieldSlots(.toDigits)
    static let text = FieldSlots(.text)
    static let idempotencyKey = FieldSlots(.idempotencyKey)
    static let deliveryId = FieldSlots(.deliveryId)
    static let jobId = FieldSlots(.jobId)
    static let attempt = FieldSlots(.attempt)
}

struct KnownFields: Sendable {
    var to: String?
    var toDigits: String?
    var text: String?
    var idempotencyKey: String?
    var deliveryId: String?
    var jobId: String?
    var attempt: String?

    subscript(slot: FieldSlot) -> String? {
        get {
            switch slot {
            case .to: to
            case .toDigits: toDigits
            case .text: text
            case .idempotencyKey: idempotencyKey
            case .deliveryId: deliveryId
            case .jobId: jobId
            case .attempt: attempt
            }
        }
        set {
            switch slot {
            case .to: to = newValue
            case .toDigits: toDigits = newValue
            case .text: text = newValue
            case .idempotencyKey: idempotencyKey = newValue
            case .deliveryId: deliveryId = newValue
            case .jobId: jobId = newValue
            case .attempt: attempt = newValue
            }
        }
    }
}
