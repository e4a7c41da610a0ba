import Foundation

extension Timestamp {
    /// RFC 3339 with exactly the date's (rounded) millisecond. `format` can print one millisecond less
    /// (its formatter truncates a binary fraction such as .00799…); it stays as it is because ledger hashes
    /// were computed with it, but what is signed and read back (checkpoints) needs the exact value.
    public static func formatMilliseconds(_ date: Date) -> String {
        let milliseconds = date.millisecondsSince1970
        var seconds = milliseconds / 1000
        var fraction = milliseconds % 1000
        if fraction < 0 {
            fraction += 1000
            seconds -= 1
        }
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
        let digits = String(fraction)
        return String(whole.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}
