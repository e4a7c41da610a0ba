import HeraldCore

/// A declarative provider profile (`channels/<id>/profile.yaml`): everything Herald needs to talk to one
/// SMS gateway or bot API without provider-specific Swift. channels/README.md documents each field.
public struct Profile: Sendable, Hashable, Decodable {
    public var id: String
    public var kind: ChannelKind
    public var description: String?
    /// Addresses this profile handles start with this (`telegram:`); it is stripped for `{{to}}`. Empty for SMS.
    public var addressPrefix: String
    /// Default provider endpoint; a channel instance may override it (tests point it at loopback).
    public var baseURL: String
    /// Names of the secrets the daemon must supply (from env or files), used as `{{secret.NAME}}`.
    public var secrets: [String]
    /// Instance options the templates read as `{{option.NAME}}`.
    public var options: [String: OptionSpec]
    public var request: RequestSpec
    public var check: CheckSpec?
    public var rate: RateSpec?
    public var response: ResponseSpec
    public var receipts: ReceiptSpec?
    public var inbound: InboundSpec?
    /// How the provider signs its callbacks; nil when it does not (the channel's inbound secret guards them).
    public var signature: SignatureSpec?
    /// How the provider checks the callback URL before using it (Meta's `hub.challenge`).
    public var verification: VerificationSpec?

    enum CodingKeys: String, CodingKey {
        case id, kind, description, secrets, options, request, check, rate, response, receipts, inbound, signature
        case verification
        case addressPrefix = "address_prefix"
        case baseURL = "base_url"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(ChannelKind.self, forKey: .kind)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        addressPrefix = try c.decodeIfPresent(String.self, forKey: .addressPrefix) ?? ""
        baseURL = try c.decode(String.self, forKey: .baseURL)
        secrets = try c.decodeIfPresent([String].self, forKey: .secrets) ?? []
        options = try c.decodeIfPresent([String: OptionSpec].self, forKey: .options) ?? [:]
        request = try c.decode(RequestSpec.self, forKey: .request)
        check = try c.decodeIfPresent(CheckSpec.self, forKey: .check)
        rate = try c.decodeIfPresent(RateSpec.self, forKey: .rate)
        response = try c.decode(ResponseSpec.self, forKey: .response)
        receipts = try c.decodeIfPresent(ReceiptSpec.self, forKey: .receipts)
        inbound = try c.decodeIfPresent(InboundSpec.self, forKey: .inbound)
        signature = try c.decodeIfPresent(SignatureSpec.self, forKey: .signature)
        verification = try c.decodeIfPresent(VerificationSpec.self, forKey: .verification)
    }
}

extension Profile {
    public struct OptionSpec: Sendable, Hashable, Decodable {
        public var required: Bool?
        public var `default`: String?
        public var description: String?
    }

    public enum BodyEncoding: String, Sendable, Hashable, Decodable {
        case json, form, query
    }

    public struct RequestSpec: Sendable, Hashable, Decodable {
        public var method: String?
        /// Path template appended to the base URL, e.g. `/bot{{secret.bot_token}}/sendMessage`.
        public var path: String
        public var encoding: BodyEncoding?
        /// Extra query parameters (templates), whatever the body encoding.
        public var query: [String: String]?
        public var headers: [String: String]?
        /// A map whose string leaves are templates; nested maps and lists only for JSON.
        public var body: [String: JSONValue]?
        public var auth: AuthSpec?
    }

    public struct AuthSpec: Sendable, Hashable, Decodable {
        public enum Kind: String, Sendable, Hashable, Decodable { case none, basic, bearer, header, query }
        public var type: Kind
        /// Secret names for `basic`.
        public var username: String?
        public var password: String?
        /// Secret name for `bearer`, `header` and `query`.
        public var secret: String?
        /// Header or query parameter name for `header` and `query`.
        public var name: String?
    }

    public struct CheckSpec: Sendable, Hashable, Decodable {
        public var method: String?
        public var path: String
    }

    public struct RateSpec: Sendable, Hashable, Decodable {
        public var perSecond: Double?
        public var concurrency: Int?
        enum CodingKeys: String, CodingKey {
            case perSecond = "per_second"
            case concurrency
        }
    }
}
