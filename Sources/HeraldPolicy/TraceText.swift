import HeraldCore

/// Trace wording built with one allocation per detail: decisions run millions of times, and
/// chained interpolation would allocate at every step.
enum TraceText {
    // Fixed arity on purpose: a variadic parameter would allocate an array per call. The bytes are
    // copied straight into one buffer, which is several times cheaper than repeated `+=`.
    static func join(
        _ a: String, _ b: String, _ c: String = "", _ d: String = "", _ e: String = "", _ f: String = "",
        _ g: String = "", _ h: String = "", _ i: String = "", _ j: String = ""
    ) -> String {
        let total =
            a.utf8.count + b.utf8.count + c.utf8.count + d.utf8.count + e.utf8.count + f.utf8.count + g.utf8.count
            + h.utf8.count + i.utf8.count + j.utf8.count
        return String(unsafeUninitializedCapacity: total) { buffer in
            var index = copy(a, into: buffer, at: 0)
            index = copy(b, into: buffer, at: index)
            index = copy(c, into: buffer, at: index)
            index = copy(d, into: buffer, at: index)
            index = copy(e, into: buffer, at: index)
            index = copy(f, into: buffer, at: index)
            index = copy(g, into: buffer, at: index)
            index = copy(h, into: buffer, at: index)
            index = copy(i, into: buffer, at: index)
            return copy(j, into: buffer, at: index)
        }
    }

    private static func copy(_ part: String, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        guard !part.isEmpty else { return start }
        // `withUTF8` also hands out small strings (held inline) as one buffer, where `utf8` would go byte by byte.
        var part = part
        return part.withUTF8 { bytes in
            _ = UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + bytes.count)]).initialize(from: bytes)
            return start + bytes.count
        }
    }
}

/// Per-rule wording computed once per policy, so a decision only formats what varies.
final class CompiledRules: Sendable {
    /// "cap #1 [marketing on *: 3 per 1d, drop]: " per cap rule.
    let capLabels: [String]
    /// " of 3 in the 1d window" per cap rule.
    let capLimits: [String]
    /// Per cap rule, the whole line for each count below its limit (up to `prebuiltCounts`): a send
    /// under its caps, the usual case, formats nothing.
    let capLinesBelowLimit: [[String]]
    static let prebuiltCounts = 32
    /// "Europe/London (configured default, unknown_timezone: default)"
    let defaultZoneReason: String

    init(_ rules: PolicyRules) {
        capLabels = rules.caps.enumerated().map { "cap #\($0.offset + 1) [\($0.element.summary)]: " }
        capLimits = rules.caps.map { " of \($0.max) in the \($0.per) window" }
        capLinesBelowLimit = rules.caps.indices.map { [capLabels, capLimits] index in
            (0..<min(max(rules.caps[index].max, 0), Self.prebuiltCounts)).map { count in
                TraceText.join(capLabels[index], String(count), capLimits[index])
            }
        }
        defaultZoneReason = "\(rules.defaultTimezone) (configured default, unknown_timezone: default)"
    }
}
