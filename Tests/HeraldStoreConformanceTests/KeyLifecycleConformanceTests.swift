import Foundation
import HeraldCore
import Testing

/// A key's expiry and last use are kept the same on every backend; last use never moves backwards.
@Suite("Store conformance: API key expiry and last use")
struct KeyLifecycleConformanceTests {
    @Test(arguments: TestBackends.all)
    func expiryAndLastUseAreKeptAndListed(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let lifecycle = try #require(store as? any APIKeyLifecycleStore)
            let keys = try #require(store as? any APIKeyManaging)
            try await lifecycle.insertAPIKey(hash: APIKey.hash("hk_a"), role: .ops, label: "a", at: t0, expiresAt: at(3600))
            try await store.insertAPIKey(hash: APIKey.hash("hk_b"), role: .enqueue, label: "b", at: at(1))

            #expect(try await lifecycle.apiKeyGrant(forKeyHash: APIKey.hash("hk_a")) == APIKeyGrant(role: .ops, expiresAt: at(3600)))
            #expect(try await lifecycle.apiKeyGrant(forKeyHash: APIKey.hash("hk_b")) == APIKeyGrant(role: .enqueue))
            #expect(try await lifecycle.apiKeyGrant(forKeyHash: APIKey.hash("hk_none")) == nil)

            try await lifecycle.recordAPIKeyUse(hash: APIKey.hash("hk_a"), at: at(120))
            try await lifecycle.recordAPIKeyUse(hash: APIKey.hash("hk_a"), at: at(60))  // late report of an older use
            let listed = try await keys.apiKeys()
            #expect(listed.map(\.label) == ["a", "b"])
            #expect(listed.map(\.expiresAt) == [at(3600), nil])
            #expect(listed.map(\.lastUsedAt) == [at(120), nil])

            #expect(try await keys.revokeAPIKey(id: APIKey.id(forHash: APIKey.hash("hk_a"))))
            #expect(try await lifecycle.apiKeyGrant(forKeyHash: APIKey.hash("hk_a")) == nil)
        }
    }
}
