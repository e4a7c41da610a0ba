/// GSM 03.38's default alphabet and its extension table.
enum GSMAlphabet {
    /// One septet each.
    static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)

    /// Reached through the escape septet, so two septets each.
    static let `extension`: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)

    /// `width` of each ASCII scalar, by its value: read per byte without hashing.
    static let asciiWidths: [Int] = (0..<128).map { value in setWidth(Unicode.Scalar(UInt8(value))) }

    /// Septets of one character: 1 or 2, or 0 when it is outside the alphabet.
    static func width(_ scalar: Unicode.Scalar) -> Int {
        scalar.value < 128 ? asciiWidths[Int(scalar.value)] : setWidth(scalar)
    }

    private static func setWidth(_ scalar: Unicode.Scalar) -> Int {
        basic.contains(scalar) ? 1 : `extension`.contains(scalar) ? 2 : 0
    }
}
