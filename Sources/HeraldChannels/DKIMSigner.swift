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
        let names = Self.foldedHeaderList(signed.map { $0.name.lowercased() })
        let unsignedValue =
            "v=1; a=rsa-sha256; c=relaxed/relaxed; d=\(domain); s=\(selector);\r\n"
            + " t=\(Int(now.timeIntervalSince1970));\r\n h=\(names);\r\n"
            + " bh=\(bodyHash.base64EncodedString());\r\n b="

        var input = signed.map { DKIMCanonicalization.relaxedHeader(name: $0.name, value: $0.value) + "\r\n" }.joined()
        // The signature header itself is hashed last, with an empty b= and no trailing CRLF.
        input += DKIMCanonicalization.relaxedHeader(name: "DKIM-Signature", value: unsignedValue)
        let signature: _RSA.Signing.RSASignature
        do {
            signature = try key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        } catch {
            throw HeraldError(code: "dkim_sign_failed", message: "DKIM signing failed", statusCode: 500)
        }
        // Verifiers drop the b= value including folding whitespace, so it may be folded freely.
        let folded = MIMEBodyEncoding.chunks(of: signature.rawRepresentation.base64EncodedString(), length: 72)
        let header = MIMEHeader(name: "DKIM-Signature", value: unsignedValue + folded.joined(separator: "\r\n "))
        return MIMEMessage(headers: [header] + message.headers, body: message.body)
    }

    /// `from:to:…`, folded after a colon where a line would pass 76 columns (FWS is allowed there).
    static func foldedHeaderList(_ names: [String]) -> String {
        var lines = [""]
        for name in names {
            let piece = lines[lines.count - 1].isEmpty ? name : ":" + name
            if lines[lines.count - 1].count + piece.count > 72, !lines[lines.count - 1].isEmpty {
                lines[lines.count - 1] += ":"
                lines.append(name)
            } else {
                lines[lines.count - 1] += piece
            }
        }
        return lines.joined(separator: "\r\n ")
    }

    /// For each listed name, the last occurrence in the message (RFC 6376 §5.4.2), in list order.
    static func headersToSign(_ headers: [MIMEHeader]) -> [MIMEHeader] {
        signedHeaderNames.compactMap { name in
            headers.last { $0.name.lowercased() == name }
        }
    }
}
