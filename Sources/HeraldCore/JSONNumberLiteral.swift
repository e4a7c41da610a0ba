/// Reading a JSON number literal's digits without converting it.
enum JSONNumberLiteral {
    /// Digits of the mantissa without leading or trailing zeros: "0.00120" → 2, "1e400" → 1.
    static func significantDigits(_ literal: some Collection<UInt8>) -> Int {
        var digits = 0
        var pendingZeros = 0
        var started = false
        for byte in literal {
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { continue }
            if byte == UInt8(ascii: "0") {
                if started { pendingZeros += 1 }
            } else {
                started = true
                digits += pendingZeros + 1
                pendingZeros = 0
            }
        }
        return digits
    }
}
