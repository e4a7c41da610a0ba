import Crypto
import CryptoExtras
import Foundation
import HeraldCore

/// DKIM (RFC 6376) signing: rsa-sha256, relaxed/relaxed. Pure apart from the key: the signing
/// time comes in as `now`.
public struct DKIMSigner: Sendable {
    public let domain: String
    public let selector: String
    private let key: _RSA.Signing.PrivateKey

    /// Signed when present, in this order. Content-Type covers the MIME structure; the list headers
    /// keep a forwarder from stripping or swapping the unsubscribe target.
    public static let signedHeaderNames = [
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type",
        "list-unsubscribe", "list-unsubscribe-post",
    ]

    /// Accepts PKCS#1 or PKCS#8 PEM. Keys of 2048 bits or more are expected; 1024-bit keys, still
    /// common in DNS, are accepted for compatibility.
    public init(domain: String, selector: String, privateKeyPEM: String) throws(HeraldError) {
        self.domain = domain
        self.selector = selector
        do {
            if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM) {
                self.key = key
            } else {
                self.key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: privateKeyPEM)
            }
        } catch {
            throw .invalid(
                "options.dkim.private_key_pem", "is not an RSA private key of at least 1024 bits",
                code: "dkim_key_invalid")
        }
    }

    /// The message with a `DKIM-Signature` header in front.
    public func sign(_ message: MIMEMessage, now: Date) throws(HeraldError) -> MIMEMessage {
        let bodyHash = Data(SHA256.hash(data: DKIMCanonicalization.relaxedBody(Array(message.body.utf8))))
        let signed = Self.headersToSign(message.headers)
        let names = signed.map { $0.name.lowercased() }.joined(separator: ":")
        let unsignedValue =
            "v=1; a=rsa-sha256; c=relaxed/relaxed; d=\(domain); s=\(selector);\r\n"
            + " t=\(Int(now.timeIntervalSince1970)); h=\(names);\r\n"
            + " bh=\(bodyHash.base64EncodedString());\r\n b="

        var input = signed.map { DKIMCanonicalization.relaxedHeader(name: $0.name, value: $0.value) + "\r\n" }.joined()
        // The signature header itself is hashed last, with an empty b= and no trailing CRLF.
        input += DKIMCanonicalization.relaxedHeader(name: "DKIM-Signature", value: unsignedValue)
        let signature: _RSA.Signing.RSASignature
        do {
            signature = try key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        } catch {
            throw HeraldError(code: "dkim_sign_failed", message: "DKIM signing failed", status: 500)
        }
        let header = MIMEHeader(
            name: "DKIM-Signature", value: unsignedValue + signature.rawRepresentation.base64EncodedString())
        return MIMEMessage(headers: [header] + message.headers, body: message.body)
    }

    /// For each listed name, the last occurrence in the message (RFC 6376 §5.4.2), in list order.
    static func headersToSign(_ headers: [MIMEHeader]) -> [MIMEHeader] {
        signedHeaderNames.compactMap { name in
            headers.last { $0.name.lowercased() == name }
        }
    }
}
