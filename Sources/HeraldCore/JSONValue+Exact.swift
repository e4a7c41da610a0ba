import Foundation

extension JSONValue {
    /// A JSON number as it is kept: a `Double` when the Double holds exactly the decimal value that was
    /// sent, else the exact `Decimal` (up to 38 significant digits; intake refuses more). Stored events and
    /// attributes written as Doubles read back as the same Doubles, so their hashes do not change.
    public static func exactNumber(_ decimal: Decimal, _ double: Double) -> JSONValue {
        if let whole = Int64(exactly: double), whole.magnitude < 1 << 53, decimal == Decimal(whole) { return .number(double) }
        if Decimal(string: "\(double)") == decimal { return .number(double) }
        return .decimal(decimal)
    }

    /// The number as a Double, for comparisons and arithmetic (nil for anything else).
    public var doubleValue: Double? {
        switch self {
        case .number(let n): n
        case .decimal(let d): NSDecimalNumber(decimal: d).doubleValue
        default: nil
        }
    }
}
