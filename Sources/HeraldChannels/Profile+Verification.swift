import HeraldCore

extension Profile {
    /// How a provider checks a callback URL before it posts to it. Meta (WhatsApp) sends
    /// `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` and subscribes only if the answer is
    /// the challenge alone. Herald answers when the token equals the instance's `inbound_secret`.
    public struct VerificationSpec: Sendable, Hashable, Decodable {
        /// Query parameter carrying the token the user typed into the provider's dashboard.
        public var tokenQuery: String
        /// Query parameter carrying the value to echo.
        public var challengeQuery: String

        enum CodingKeys: String, CodingKey {
            case tokenQuery = "token_query"
            case challengeQuery = "challenge_query"
        }

        public init(tokenQuery: String, challengeQuery: String) {
            self.tokenQuery = tokenQuery
            self.challengeQuery = challengeQuery
        }
    }

    /// Called from `validate()`: both parameter names are given.
    func validateVerification(_ fail: (String, String) -> HeraldError) throws {
        guard let verification else { return }
        if verification.tokenQuery.isEmpty { throw fail("verification.token_query", "name the query parameter") }
        if verification.challengeQuery.isEmpty { throw fail("verification.challenge_query", "name the query parameter") }
    }
}
