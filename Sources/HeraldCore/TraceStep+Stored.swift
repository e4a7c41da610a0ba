import Foundation

/// How a trace is stored: a JSON array with one positional array per step,
/// `[rule, outcome, detail, at, consent_event_id]`, trailing nulls left out. `at` is milliseconds since 1970;
/// `detail` is text, or the number of a fixed wording in `TracePhrases`.
///
/// Every claimed delivery stores its trace and writes its row again at the outcome, so these bytes are
/// written twice per message: as keyed objects with RFC 3339 times a sent SMS's trace took ~615 bytes, in
/// this form ~210. `decodeStored` reads the keyed form too.
extension TraceStep {
    public static func encode(_ steps: [TraceStep]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(steps.count * 80)
        var line: [UInt8] = []
        line.reserveCapacity(128)
        out.append(UInt8(ascii: "["))
        for (i, step) in steps.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            FastJSON.appendString(step.rule, to: &out)
            out.append(UInt8(ascii: ","))
            FastJSON.appendString(step.outcome, to: &out)
            out.append(UInt8(ascii: ","))
            switch step.wording {
            case .text(let detail):
                if let code = TracePhrases.code(of: detail) {
                    FastJSON.appendInteger(Int64(code), to: &out)
                } else {
                    FastJSON.appendString(detail, to: &out)
                }
            default:
                // Written from its parts (never a fixed phrase: each holds something of this decision's own).
                line.removeAll(keepingCapacity: true)
                step.wording.write(to: &line)
                FastJSON.appendString(utf8: line, to: &out)
            }
            if step.at != nil || step.consentEventId != nil {
                out.append(UInt8(ascii: ","))
                if let at = step.at {
                    FastJSON.appendInteger(at.millisecondsSince1970, to: &out)
                } else {
                    out += "null".utf8
                }
            }
            if let id = step.consentEventId {
                out.append(UInt8(ascii: ","))
                FastJSON.appendInteger(id, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads a stored trace in either form: positional steps, or the keyed objects rows written before this
    /// form still hold. Throws `trace_unreadable` on anything else.
    public static func decodeStored(_ text: String) throws -> [TraceStep] {
        guard case .array(let items) = try FastJSON.parse(text) else { throw unreadable }
        if case .object = items.first {
            return try HeraldJSON.decoder().decode([TraceStep].self, from: Data(text.utf8))
        }
        return try items.map { item in
            guard case .array(let fields) = item, (3...5).contains(fields.count), case .string(let rule) = fields[0],
                case .string(let outcome) = fields[1]
            else { throw unreadable }
            let detail: String
            switch fields[2] {
            case .string(let text): detail = text
            default:
                guard let code = integer(fields[2]), code >= 0, code < TracePhrases.all.count else { throw unreadable }
                detail = TracePhrases.all[Int(code)]
            }
            var step = TraceStep(rule: rule, outcome: outcome, detail: detail)
            if fields.count > 3, fields[3] != .null {
                guard let ms = integer(fields[3]) else { throw unreadable }
                step.at = Date(milliseconds: ms)
            }
            if fields.count > 4 {
                guard let id = integer(fields[4]) else { throw unreadable }
                step.consentEventId = id
            }
            return step
        }
    }

    /// A whole number that fits an Int64 exactly, however the parser held it (ids past 2^53 arrive as
    /// Decimal; the round trip says whether it was a whole Int64).
    private static func integer(_ value: JSONValue) -> Int64? {
        switch value {
        case .number(let number):
            return Int64(exactly: number)
        case .decimal(let decimal):
            let whole = NSDecimalNumber(decimal: decimal).int64Value
            return Decimal(whole) == decimal ? whole : nil
        default:
            return nil
        }
    }

    private static var unreadable: HeraldError {
        HeraldError(code: "trace_unreadable", message: "a stored decision trace could not be read", statusCode: 500)
    }
}

/// Wording that traces use word for word, stored as its position here. Append only: stored traces name a
/// phrase by its number, so an entry is never moved, changed or removed.
public enum TracePhrases {
    public static let all: [String] = [
        "decided at fan-out",
        "re-checked right before sending",
        "every check passed; decided again, with the full trace, right before the send",
        "job has no expires_at",
        "job not expired",
        "job expired",
        "transactional: consent not required",
        "not needed: no local_time to place and no send window applies",
        "no send_at",
        "not before send_at",
        "no ledger record covers email",
        "no ledger record covers sms",
        "no ledger record covers push",
        "no ledger record covers messenger",
        "no contact with this id",
        "templates do not compile",
        "no channel instance available",
        "the contact's personal data was erased",
        "earliest allowed send time is at or after expires_at",
        "the contact has no locale; default content",
        "the content has no locale variants; default content",
    ]

    /// The phrases by their length in bytes: a detail of another length is no phrase, and one of a phrase's
    /// length is compared with the few of that length. Hashing every detail of every trace cost more.
    private static let byLength: [[(text: String, code: Int)]] = {
        var table = Array(repeating: [(text: String, code: Int)](), count: (all.map(\.utf8.count).max() ?? 0) + 1)
        for (code, text) in all.enumerated() { table[text.utf8.count].append((text, code)) }
        return table
    }()

    static func code(of detail: String) -> Int? {
        let count = detail.utf8.count
        guard count < byLength.count else { return nil }
        for phrase in byLength[count] where phrase.text == detail { return phrase.code }
        return nil
    }
}
