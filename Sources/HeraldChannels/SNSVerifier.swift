import Crypto
import CryptoExtras
import Foundation
import HeraldCore

/// Checks Amazon SNS message signatures (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) over the
/// string SNS signs, with the certificate named by `SigningCertURL`, which must be an `https` URL on an
/// `sns.<region>.amazonaws.com` host. Certificates are fetched through `fetch` (tests serve a local one) and
/// kept by URL.
public struct SNSVerifier: Sendable {
    /// Fetches a certificate's PEM bytes from the URL given (the one to fetch, after `certificateBase`).
    public typealias Fetch = @Sendable (URL) async throws -> [UInt8]

    /// When set, certificates and subscription confirmations go to this base URL (scheme, host, port)
    /// instead of the SNS host: the URL's path is kept. For tests and air-gapped proxies.
    public var certificateBase: String?
    let fetch: Fetch
    private let cache = CertificateCache()

    public init(certificateBase: String? = nil, fetch: @escaping Fetch) {
        self.certificateBase = certificateBase
        self.fetch = fetch
    }

    /// The envelope's `Type` once its signature holds. Throws `forbidden` (403) otherwise, like every inbound signature check.
    public func verify(_ body: [UInt8]) async throws -> JSONValue {
        guard let envelope = ProfileJSONPath.parse(body), case .object(let fields) = envelope else {
            throw HeraldError(code: "invalid_inbound", message: "expected an SNS JSON message", field: "body")
        }
        func text(_ name: String) -> String? { fields[name].flatMap(ProfileJSONPath.text) }
        guard let type = text("Type"), let version = text("SignatureVersion"), let signature = text("Signature"),
            let certificateURL = text("SigningCertURL"), let signed = Self.stringToSign(type: type, text)
        else { throw Self.invalid("the SNS message lacks its signature fields") }
        guard let signatureBytes = Data(base64Encoded: signature) else { throw Self.invalid("the signature is not base64") }
        let key = try await publicKey(certificateURL)
        let rsa = _RSA.Signing.RSASignature(rawRepresentation: signatureBytes)
        let message = Array(signed.utf8)
        let valid: Bool =
            switch version {
            case "1": key.isValidSignature(rsa, for: Insecure.SHA1.hash(data: message), padding: .insecurePKCS1v1_5)
            case "2": key.isValidSignature(rsa, for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
            default: false
            }
        guard valid else { throw Self.invalid("the SNS signature does not match the message") }
        return envelope
    }

    /// Where a confirmation (SubscribeURL) or certificate URL is fetched, after checking it names SNS.
    public func resolve(_ text: String) throws -> URL {
        guard let url = URL(string: text), url.scheme == "https", let host = url.host?.lowercased(), Self.isSNSHost(host)
        else { throw Self.invalid("the URL is not an https URL on an sns.<region>.amazonaws.com host") }
        guard let base = certificateBase else { return url }
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let replacement = URLComponents(string: base)
        components?.scheme = replacement?.scheme
        components?.host = replacement?.host
        components?.port = replacement?.port
        guard let rewritten = components?.url else { throw Self.invalid("certificate base URL is not a URL") }
        return rewritten
    }

    /// `sns.<region>.amazonaws.com` (or `.com.cn`), the region shaped as AWS names them (`us-east-1`,
    /// `us-gov-west-1`): a forged message cannot send Herald to look up any name it likes.
    static func isSNSHost(_ host: String) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count == 4 || (labels.count == 5 && labels[4] == "cn") else { return false }
        return labels[0] == "sns" && labels[2] == "amazonaws" && labels[3] == "com" && isRegion(labels[1])
    }

    private static func isRegion(_ label: Substring) -> Bool {
        let parts = label.split(separator: "-", omittingEmptySubsequences: false)
        guard (3...4).contains(parts.count), let number = parts.last, (1...2).contains(number.count),
            number.allSatisfy(\.isASCII), number.allSatisfy(\.isNumber)
        else { return false }
        return parts.dropLast().allSatisfy { part in
            (2...12).contains(part.count) && part.allSatisfy { $0.isASCII && $0.isLowercase }
        }
    }

    private func publicKey(_ certificateURL: String) async throws -> _RSA.Signing.PublicKey {
        switch await cache.lookUp(certificateURL, now: .now) {
        case .key(let key): return key
        case .failed: throw Self.invalid("the signing certificate could not be fetched")
        case .unknown: break
        }
        let url = try resolve(certificateURL)
        guard url.path.hasSuffix(".pem") else { throw Self.invalid("the certificate URL does not name a .pem file") }
        do {
            let pem = try await fetch(url)
            guard let der = PEMBlock.decode(String(decoding: pem, as: UTF8.self), label: "CERTIFICATE"),
                let spki = DERCertificate.subjectPublicKeyInfo(der),
                let key = try? _RSA.Signing.PublicKey(derRepresentation: spki)
            else { throw Self.invalid("the signing certificate is not an RSA certificate") }
            await cache.store(key, for: certificateURL)
            return key
        } catch {
            // A URL that failed is not fetched again for a while: forged messages cannot make Herald fetch on demand.
            await cache.storeFailure(for: certificateURL, now: .now)
            throw (error as? HeraldError) ?? Self.invalid("the signing certificate could not be fetched")
        }
    }

    /// The string SNS signs: `name\nvalue\n` for each signed field present, in this order.
    static func stringToSign(type: String, _ value: (String) -> String?) -> String? {
        let names: [String] =
            switch type {
            case "Notification": ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
            case "SubscriptionConfirmation", "UnsubscribeConfirmation":
                ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
            default: []
            }
        guard !names.isEmpty else { return nil }
        var text = ""
        for name in names {
            guard let field = value(name) else {
                if name == "Subject" { continue }
                return nil
            }
            text += "\(name)\n\(field)\n"
        }
        return text
    }

    static func invalid(_ message: String) -> HeraldError {
        HeraldError(code: "forbidden", message: message, statusCode: 403)
    }
}

/// Keys by certificate URL, and URLs that failed lately (remembered for `failureMemory`).
actor CertificateCache {
    enum Entry {
        case key(_RSA.Signing.PublicKey)
        case failed
        case unknown
    }

    static let failureMemory: Duration = .seconds(300)

    private var keys: [String: _RSA.Signing.PublicKey] = [:]
    private var failures: [String: ContinuousClock.Instant] = [:]

    func lookUp(_ url: String, now: ContinuousClock.Instant) -> Entry {
        if let key = keys[url] { return .key(key) }
        if let failed = failures[url], now - failed < Self.failureMemory { return .failed }
        return .unknown
    }

    func store(_ key: _RSA.Signing.PublicKey, for url: String) {
        if keys.count > 32 { keys.removeAll() }
        keys[url] = key
    }

    func storeFailure(for url: String, now: ContinuousClock.Instant) {
        if failures.count > 256 { failures = failures.filter { now - $0.value < Self.failureMemory } }
        if failures.count > 256 { failures.removeAll() }
        failures[url] = now
    }
}

/// The DER bytes of the first PEM block with this label.
enum PEMBlock {
    static func decode(_ text: String, label: String) -> [UInt8]? {
        guard let begin = text.range(of: "-----BEGIN \(label)-----"),
            let end = text.range(of: "-----END \(label)-----", range: begin.upperBound..<text.endIndex)
        else { return nil }
        let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(body)).map(Array.init)
    }
}

/// Just enough DER to find an X.509 certificate's SubjectPublicKeyInfo (RFC 5280 §4.1): the seventh
/// element of tbsCertificate when the explicit version is present, the sixth otherwise.
enum DERCertificate {
    static func subjectPublicKeyInfo(_ der: [UInt8]) -> [UInt8]? {
        guard let certificate = element(der, at: 0), certificate.tag == 0x30,
            let tbs = element(der, at: certificate.contentStart), tbs.tag == 0x30
        else { return nil }
        var offset = tbs.contentStart
        var index = 0
        var hasVersion = false
        while offset < tbs.end, let field = element(der, at: offset) {
            if index == 0 && field.tag == 0xA0 { hasVersion = true }
            if index == (hasVersion ? 6 : 5) { return field.tag == 0x30 ? Array(der[offset..<field.end]) : nil }
            offset = field.end
            index += 1
        }
        return nil
    }

    /// Tag, where the content starts and where the element ends; nil when it runs past the bytes.
    static func element(_ der: [UInt8], at offset: Int) -> (tag: UInt8, contentStart: Int, end: Int)? {
        guard offset + 2 <= der.count else { return nil }
        let tag = der[offset]
        var length = Int(der[offset + 1])
        var start = offset + 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...4).contains(count), start + count <= der.count else { return nil }
            length = der[start..<(start + count)].reduce(0) { $0 << 8 | Int($1) }
            start += count
        }
        guard start + length <= der.count else { return nil }
        return (tag, start, start + length)
    }
}
