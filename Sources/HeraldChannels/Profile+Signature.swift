import HeraldCore

extension Profile {
    /// How a provider signs its callbacks to `/v1/inbound/{channel_id}` (receipts and replies alike).
    /// With a `signature` block, a callback without a valid signature is refused and nothing is recorded.
    ///
    /// Twilio: `{header: X-Twilio-Signature, secret: auth_token, algorithm: hmac-sha1, payload: url+form}`;
    /// Meta's `X-Hub-Signature-256`: `{algorithm: hmac-sha256, payload: body, encoding: hex, prefix: "sha256="}`.
    public struct SignatureSpec: Sendable, Hashable, Decodable {
        public enum Algorithm: String, Sendable, Hashable, Decodable {
            case hmacSHA1 = "hmac-sha1"
            case hmacSHA256 = "hmac-sha256"
        }

        /// What the MAC is computed over.
        public enum Payload: String, Sendable, Hashable, Decodable {
            /// The public URL the provider called (query included), then every form parameter of the body
            /// sorted by name, each as name followed by value, with no separators (Twilio's scheme).
            case urlAndForm = "url+form"
            /// The raw request body, byte for byte.
            case body
        }

        public enum Encoding: String, Sendable, Hashable, Decodable { case base64, hex }

        /// Request header that carries the signature (matched case-insensitively).
        public var header: String
        /// Name of a secret listed under `secrets`: the HMAC key.
        public var secret: String
        public var algorithm: Algorithm
        public var payload: Payload
        /// How the MAC is written in the header; default base64.
        public var encoding: Encoding
        /// Text before the encoded MAC in the header (`sha256=`), stripped before comparing.
        public var prefix: String

        enum CodingKeys: String, CodingKey {
            case header, secret, algorithm, payload, encoding, prefix
        }

        public init(
            header: String, secret: String, algorithm: Algorithm, payload: Payload, encoding: Encoding = .base64,
            prefix: String = ""
        ) {
            self.header = header
            self.secret = secret
            self.algorithm = algorithm
            self.payload = payload
            self.encoding = encoding
            self.prefix = prefix
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            header = try c.decode(String.self, forKey: .header)
            secret = try c.decode(String.self, forKey: .secret)
            algorithm = try c.decode(Algorithm.self, forKey: .algorithm)
            payload = try c.decode(Payload.self, forKey: .payload)
            encoding = try c.decodeIfPresent(Encoding.self, forKey: .encoding) ?? .base64
            prefix = try c.decodeIfPresent(String.self, forKey: .prefix) ?? ""
        }
    }

    /// Called from `validate()`: the header is a token and the key is a declared secret.
    func validateSignature(_ fail: (String, String) -> HeraldError) throws {
        guard let signature else { return }
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        guard !signature.header.isEmpty, signature.header.allSatisfy(tokenCharacters.contains) else {
            throw fail("signature.header", "must be an HTTP header name such as X-Twilio-Signature")
        }
        guard secrets.contains(signature.secret) else {
            throw fail("signature.secret", "secret \(signature.secret) is not listed under secrets")
        }
        guard signature.prefix.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw fail("signature.prefix", "must be plain ASCII without spaces")
        }
    }
}
