import Foundation

/// Folds the ways one word can be typed into one key: compatibility forms, case, Arabic vs Persian
/// letters, diacritics and tatweel, Eastern digits, spacing and surrounding punctuation.
enum OptOutNormalizer {
    static func matchKey(_ text: String) -> String {
        // NFKC folds full-width Latin and Arabic presentation forms into ordinary letters.
        let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        var scalars = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            if let mapped = letterVariants[scalar] {
                scalars.append(mapped)
            } else if let digit = asciiDigit(scalar) {
                scalars.append(digit)
            } else if isIgnorable(scalar) {
                continue
            } else if scalar.properties.isWhitespace || scalar.properties.generalCategory.isPunctuationOrSymbol {
                // Spaces, ZWNJ-less joins and punctuation all drop out: "STOP ALL" = "stopall",
                // «لغو عضویت» = «لغوعضویت», "stop!" = "stop".
                continue
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Arabic letter forms folded onto the Persian (or plain) letter people use interchangeably.
    private static let letterVariants: [Unicode.Scalar: Unicode.Scalar] = [
        "\u{064A}": "\u{06CC}",  // Arabic yeh → Persian yeh
        "\u{0649}": "\u{06CC}",  // alef maksura → Persian yeh
        "\u{0643}": "\u{06A9}",  // Arabic kaf → Persian keheh
        "\u{0623}": "\u{0627}",  // alef with hamza above → alef
        "\u{0625}": "\u{0627}",  // alef with hamza below → alef
        "\u{0622}": "\u{0627}",  // alef with madda → alef
        "\u{0671}": "\u{0627}",  // alef wasla → alef
        "\u{06C0}": "\u{0647}",  // heh with yeh above → heh
    ]

    /// Arabic-Indic (U+0660…) and Persian (U+06F0…) digits as ASCII.
    private static func asciiDigit(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        for base: UInt32 in [0x0660, 0x06F0] where (base...(base + 9)).contains(scalar.value) {
            return Unicode.Scalar(UInt8(ascii: "0") + UInt8(scalar.value - base))
        }
        return nil
    }

    /// Harakat, superscript alef, tatweel and the invisible joiners and direction marks.
    private static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x064B...0x065F, 0x0670, 0x0640, 0x200B...0x200F, 0x061C, 0x2066...0x2069, 0x202A...0x202E, 0xFEFF:
            true
        default:
            scalar.properties.generalCategory == .nonspacingMark
        }
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isPunctuationOrSymbol: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
            .control:
            true
        default: false
        }
    }
}
