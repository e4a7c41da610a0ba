import Foundation
import HeraldCore

/// Options of an `fcm` channel instance, as the daemon decodes them from YAML `options:`.
/// The service-account JSON arrives as text, already read from its env var or file.
public struct FCMConfig: Codable, Sendable, Hashable {
    public static let defaultBaseURL = "https://fcm.googleapis.com"

    /// The Google service-account key file's JSON text (client_email, private_key, token_uri, project_id).
    public var serviceAccountJSON: String
    /// FCM API origin; tests point it at a loopback fake.
    public var baseURL: String
    /// Overrides the service account's `token_uri` (tests, or a proxy).
    public var tokenURI: String?
    /// Overrides the service account's `project_id`.
    public var projectId: String?
    public var timeoutSeconds: Double

    public init(
        serviceAccountJSON: String, baseURL: String = FCMConfig.defaultBaseURL, tokenURI: String? = nil,
        projectId: String? = nil, timeoutSeconds: Double = 10
    ) {
        self.serviceAccountJSON = serviceAccountJSON
        self.baseURL = baseURL
        self.tokenURI = tokenURI
        self.projectId = projectId
        self.timeoutSeconds = timeoutSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case serviceAccountJSON = "service_account_json"
        case baseURL = "base_url"
        case tokenURI = "token_uri"
        case projectId = "project_id"
        case timeoutSeconds = "timeout_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        serviceAccountJSON = try c.decode(String.self, forKey: .serviceAccountJSON)
        baseURL = try c.decodeIfPresent(String.self, forKey: .baseURL) ?? Self.defaultBaseURL
        tokenURI = try c.decodeIfPresent(String.self, forKey: .tokenURI)
        projectId = try c.decodeIfPresent(String.self, forKey: .projectId)
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? 10
    }
}

/// The fields of a Google service-account key file that minting an OAuth token needs.
struct GoogleServiceAccount: Decodable, Sendable {
    var clientEmail: String
    var privateKey: String
    var tokenURI: String
    var projectId: String

    private enum CodingKeys: String, CodingKey {
        case clientEmail = "client_email"
        case privateKey = "private_key"
        case tokenURI = "token_uri"
        case projectId = "project_id"
    }

    /// Parses the key file, applying the config's overrides. Errors name the field, never echo the key.
    static func resolve(_ config: FCMConfig) throws(HeraldError) -> GoogleServiceAccount {
        var account: GoogleServiceAccount
        do {
            account = try JSONDecoder().decode(GoogleServiceAccount.self, from: Data(config.serviceAccountJSON.utf8))
        } catch {
            throw HeraldError(
                code: "invalid_config",
                message:
                    "service account JSON is not readable (needs client_email, private_key, token_uri, project_id)",
                field: "options.service_account_json")
        }
        if let tokenURI = config.tokenURI { account.tokenURI = tokenURI }
        if let projectId = config.projectId { account.projectId = projectId }
        return account
    }
}
