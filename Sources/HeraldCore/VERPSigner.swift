import Crypto

/// VERP return paths (`bounce+<delivery id>-<mac>@<bounce domain>`): every message's envelope sender names
/// its delivery, so a bounce sent back to it says which delivery failed. The MAC (HMAC-SHA256 over the
/// channel and the delivery id, 10 bytes in lowercase hex) makes the address unforgeable: without the key
/// nobody can make a bounce that fails someone else's delivery or suppresses their address.
///
/// Hex, not base64: MTAs may change the case of a local part, and `+`/`-` survive every relay we know.
public struct VERPSigner: Sendable {
    /// What an address turned out to be.
    public enum Match: Sendable, Hashable {
        /// Not a VERP address of ours (another local part or shape).
        case notVERP
        case valid(deliveryId: Int64)
        /// Looks like ours but the MAC is wrong: forged, or made for another channel.
        case forged
    }

    public static let localPrefix = "bounce+"
    private static let macBytes = 10
    private let key: SymmetricKey

    public init(secret: [UInt8]) { key = SymmetricKey(data: secret) }

    public func address(deliveryId: Int64, channelId: String, domain: String) -> String {
        "\(Self.localPrefix)\(deliveryId)-\(mac(deliveryId: deliveryId, channelId: channelId))@\(domain)"
    }

    /// Reads `address` (surrounding `<>` allowed, any case); only the local part is checked, so a bounce
    /// domain that changed since the send still matches.
    public func match(_ address: String, channelId: String) -> Match {
        var text = address.lowercased()
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        guard let at = text.lastIndex(of: "@"), text.hasPrefix(Self.localPrefix) else { return .notVERP }
        let token = text[text.index(text.startIndex, offsetBy: Self.localPrefix.count)..<at]
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Int64(parts[0]), id > 0, String(id) == parts[0] else { return .forged }
        let expected = Array(mac(deliveryId: id, channelId: channelId).utf8)
        let given = Array(parts[1].utf8)
        guard expected.count == given.count else { return .forged }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0 ? .valid(deliveryId: id) : .forged
    }

    private func mac(deliveryId: Int64, channelId: String) -> String {
        let message = Array("herald-verp-v1\u{0}\(channelId)\u{0}\(deliveryId)".utf8)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return code.prefix(Self.macBytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
