/// Masks addresses for logs, traces and error texts: enough to recognise, never the whole.
public enum Redaction {
    public static func mask(_ address: String) -> String {
        if let at = address.firstIndex(of: "@") {
            let local = address[..<at]
            let domain = address[address.index(after: at)...]
            return "\(local.prefix(1))***@\(domain)"
        }
        let chars = Array(address)
        guard chars.count > 4 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: max(chars.count - 5, 1)) + String(chars.suffix(2))
    }
}
