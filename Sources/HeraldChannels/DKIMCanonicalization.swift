/// RFC 6376 §3.4 `relaxed` canonicalization, for headers and body.
enum DKIMCanonicalization {
    /// `name:value` with the name lower-cased, the value unfolded, whitespace runs collapsed to one
    /// space and trimmed at both ends.
    static func relaxedHeader(name: String, value: String) -> String {
        name.lowercased() + ":" + collapseWhitespace(unfold(value))
    }

    /// Each line's whitespace runs collapsed and trailing whitespace dropped, trailing empty lines
    /// removed, and a non-empty body ending in exactly one CRLF.
    static func relaxedBody(_ body: [UInt8]) -> [UInt8] {
        var lines = splitCRLF(body).map(relaxedBodyLine)
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard !lines.isEmpty else { return [] }
        var result: [UInt8] = []
        for line in lines {
            result += line
            result += [13, 10]
        }
        return result
    }

    static func relaxedBodyLine(_ line: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var pendingSpace = false
        for byte in line {
            if byte == 32 || byte == 9 {
                pendingSpace = true
                continue
            }
            if pendingSpace { out.append(32) }
            pendingSpace = false
            out.append(byte)
        }
        return out
    }

    /// Lines of a CRLF body; a final CRLF does not start another line.
    static func splitCRLF(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10 {
                lines.append(bytes[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    static func unfold(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }.map(Character.init))
    }

    static func collapseWhitespace(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in value.unicodeScalars {
            if scalar == " " || scalar == "\t" {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" ") }
            pendingSpace = false
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
