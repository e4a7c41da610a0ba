import Foundation
import HeraldCore
import Testing

@Suite("Store conformance: contacts and API keys")
struct ContactConformanceTests {
    @Test(arguments: TestBackends.all)
    func upsertReplacesTheWholeContactAndGetReturnsIt(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let original = Contact(
                id: "u1", timezone: "Asia/Tehran", locale: "fa", attributes: ["plan": "pro", "n": 3],
                email: "a@example.com", phone: "+989121234567", pushTokens: [PushToken(platform: .fcm, token: "tok")])
            try await store.upsertContacts([original], at: t0)
            #expect(try await store.contact(id: "u1") == original)

            var changed = original
            changed.phone = "+4915112345678"
            changed.attributes = ["plan": "free"]
            try await store.upsertContacts([changed], at: at(1))
            #expect(try await store.contact(id: "u1") == changed)
            #expect(try await store.contact(id: "missing") == nil)
        }
    }

    /// A store refuses what it cannot keep exactly: a NUL would shorten the id to another contact's.
    @Test(arguments: TestBackends.all)
    func storesRefuseIdsTheyWouldShorten(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("victim", email: "v@x.io")], at: t0)
            await #expect(throws: HeraldError.self) {
                try await store.upsertContacts([contact("victim\u{0}evil", email: "e@x.io")], at: at(1))
            }
            #expect(try await store.contact(id: "victim")?.email == "v@x.io")
            let input = ConsentInput(contactId: "victim\u{0}x", channel: "sms", status: .revoked, source: "t", occurredAt: t0)
            await #expect(throws: HeraldError.self) { try await store.appendConsent(input, at: t0) }
            #expect(try await store.consentEvents(contactId: "victim").isEmpty)
            await #expect(throws: HeraldError.self) {
                try await store.insertAPIKey(hash: "h", role: .ops, label: "ops\u{0}x", at: t0)
            }
        }
    }

    @Test(arguments: TestBackends.all)
    func keysListWithoutSecretsAndRevokeById(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let keys = try #require(store as? any APIKeyManaging)
            let ops = APIKey.hash("hk_ops"), admin = APIKey.hash("hk_admin")
            try await store.insertAPIKey(hash: ops, role: .ops, label: "grafana", at: t0)
            try await store.insertAPIKey(hash: admin, role: .admin, label: nil, at: at(1))
            let listed = try await keys.apiKeys()
            #expect(listed == [
                APIKeyInfo(id: String(ops.prefix(12)), role: .ops, label: "grafana", createdAt: t0),
                APIKeyInfo(id: String(admin.prefix(12)), role: .admin, label: nil, createdAt: at(1)),
            ])
            #expect(try await keys.revokeAPIKey(id: String(ops.prefix(12))))
            #expect(try await store.role(forKeyHash: ops) == nil)
            #expect(try await store.role(forKeyHash: admin) == .admin)
            #expect(try await keys.revokeAPIKey(id: String(ops.prefix(12))) == false)
            await #expect(throws: HeraldError.self) { try await keys.revokeAPIKey(id: "not-an-id") }
            #expect(try await keys.apiKeys().map(\.role) == [.admin])
        }
    }

    @Test(arguments: TestBackends.all)
    func phoneLookupFollowsTheCurrentNumber(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts(
                [contact("a", phone: "+15550001"), contact("b", phone: "+15550001"), contact("c", phone: "+15550002")],
                at: t0)
            #expect(Set(try await store.contacts(phone: "+15550001").map(\.id)) == ["a", "b"])
            try await store.upsertContacts([contact("a", phone: "+15550003")], at: at(1))
            #expect(try await store.contacts(phone: "+15550001").map(\.id) == ["b"])
            #expect(try await store.contacts(phone: "+15550003").map(\.id) == ["a"])
            #expect(try await store.contacts(phone: "+19999999").isEmpty)
        }
    }

    @Test(arguments: TestBackends.all)
    func contactsPageStreamsByIdAfterTheCursor(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let ids = ["m", "b", "z", "a", "k", "c"]
            try await store.upsertContacts(ids.map { contact($0) }, at: t0)
            var seen: [String] = []
            var cursor: String?
            while true {
                let page = try await store.contactsPage(after: cursor, limit: 4)
                seen += page.map(\.id)
                guard page.count == 4, let last = page.last else { break }
                cursor = last.id
            }
            #expect(seen == ids.sorted())
            #expect(try await store.contactsPage(after: "k", limit: 10).map(\.id) == ["m", "z"])
            #expect(Set(try await store.contacts(ids: ["a", "z", "nope"]).map(\.id)) == ["a", "z"])
        }
    }

    @Test(arguments: TestBackends.all)
    func apiKeysAreFoundByHashOnly(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            #expect(try await store.apiKeyCount() == 0)
            try await store.insertAPIKey(hash: "h-admin", role: .admin, label: "ops", at: t0)
            #expect(try await store.role(forKeyHash: "h-admin") == .admin)
            #expect(try await store.role(forKeyHash: "h-other") == nil)
            #expect(try await store.apiKeyCount() == 1)
        }
    }
}
