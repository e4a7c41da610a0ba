import Crypto
import Foundation
import HeraldCore

/// Checks a provider callback's signature the way its profile's `signature` block says. Pure: the caller
/// supplies the public URL the provider called, the headers (names lower-cased) and the raw body.
public struct WebhookSignature: Sendable {
    public var spec: Profile.SignatureSpec
    private let key: SymmetricKey

    public init(spec: Profile.SignatureSpec, secret: String) {
        self.spec = spec
        self.key = SymmetricKey(data: Array(secret.utf8))
    }

    /// Throws `forbidden` (403) when the header is missing, malformed or does not match; the error never
    /// carries the expected or the given signature.
    public func verify(url: String, headers: [String: String], body: [UInt8]) throws {
        guard let given = headers[spec.header.lowercased()], !given.isEmpty else {
            throw Self.refused("webhook signature header \(spec.header) is missing")
        }
        guard let mac = decode(given) else { throw Self.refused("webhook signature is not well-formed") }
        let payload = Self.payload(spec.payload, url: url, body: body)
        // Compared in constant time by swift-crypto.
        let valid =
            switch spec.algorithm {
            case .hmacSHA1: HMAC<Insecure.SHA1>.isValidAuthenticationCode(mac, authenticating: payload, using: key)
            case .hmacSHA256: HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key)
            }
        guard valid else { throw Self.refused("webhook signature does not match") }
    }

    /// The URL a provider was told to call for `channelId`: the daemon's public base URL (which may carry a
    /// reverse-proxy prefix) + `/v1/inbound/{channel_id}` + the query exactly as it arrived.
    public static func callbackURL(publicBase: String, channelId: String, query: String?) -> String {
        var base = publicBase
        while base.hasSuffix("/") { base.removeLast() }
        let path = "/v1/inbound/" + PercentEncoding.pathSegment(channelId)
        guard let query, !query.isEmpty else { return base + path }
        return base + path + "?" + query
    }

    /// The bytes the MAC covers.
    static func payload(_ kind: Profile.SignatureSpec.Payload, url: String, body: [UInt8]) -> [UInt8] {
        switch kind {
        case .body:
            return body
        case .urlAndForm:
            var text = url
            for (name, value) in PercentEncoding.formPairs(String(decoding: body, as: UTF8.self)).sorted(by: Self.byNameThenValue) { text += name + value }
            return Array(text.utf8)
        }
    }

    /// Code-point order (UTF-8 byte order), as providers sort, not Swift's locale-free Unicode ordering.
    private static func byNameThenValue(_ a: (String, String), _ b: (String, String)) -> Bool {
        if a.0 != b.0 { return a.0.utf8.lexicographicallyPrecedes(b.0.utf8) }
        return a.1.utf8.lexicographicallyPrecedes(b.1.utf8)
    }

    private func decode(_ header: String) -> [UInt8]? {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(spec.prefix) else { return nil }
        let encoded = trimmed.dropFirst(spec.prefix.count)
        switch spec.encoding {
        case .base64: return Data(base64Encoded: String(encoded)).map(Array.init)
        case .hex: return Self.hexBytes(encoded)
        }
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func refused(_ message: String) -> HeraldError {
        HeraldError(code: "forbidden", message: message, statusCode: 403)
    }
}
