import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("API keys and roles")
struct AuthTests {
    @Test("no key, or a key Herald does not know, is 401 unauthenticated")
    func missingOrUnknownKey() async throws {
        try await HeraldHarness.run { app in
            let anonymous = try await app.send(.get, "/v1/jobs/1", as: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(try anonymous.error().code == "unauthenticated")

            let unknown = try await app.client.execute(
                uri: "/v1/jobs/1", method: .get, headers: [.authorization: "Bearer hk_not_a_key"])
            #expect(unknown.status == .unauthorized)
            #expect(try unknown.error().code == "unauthenticated")

            let basic = try await app.client.execute(
                uri: "/v1/jobs/1", method: .get, headers: [.authorization: "Basic \(HeraldHarness.key(.admin))"])
            #expect(basic.status == .unauthorized)
        }
    }

    @Test(
        "a key of another role is 403 forbidden",
        arguments: [
            (HTTPRequest.Method.post, "/v1/jobs", Role.ops),
            (.put, "/v1/contacts/u1", .compliance),
            (.post, "/v1/contacts/batch", .ops),
            (.get, "/v1/contacts/u1", .enqueue),
            (.get, "/v1/contacts/u1/consents", .ops),
            (.post, "/v1/consents", .ops),
            (.get, "/v1/audit/consents", .enqueue),
            (.get, "/v1/audit/verify", .ops),
            (.get, "/v1/jobs/1", .compliance),
            (.post, "/v1/jobs/1/cancel", .compliance),
            (.get, "/v1/deliveries", .enqueue),
        ])
    func wrongRole(method: HTTPRequest.Method, uri: String, role: Role) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(method, uri, as: role, body: method == .get ? nil : "{}")
            #expect(response.status == .forbidden)
            let error = try response.error()
            #expect(error.code == "forbidden")
            #expect(error.message?.contains("role") == true)
        }
    }

    @Test("admin may call every role's routes")
    func adminPermitsAll() async throws {
        try await HeraldHarness.run { app in
            let checked1 = try await app.send(.get, "/v1/audit/verify", as: .admin)
            #expect(checked1.status == .ok)
            let checked2 = try await app.send(.get, "/v1/deliveries", as: .admin)
            #expect(checked2.status == .ok)
            let checked3 = try await app.send(.put, "/v1/contacts/u1", as: .admin, body: "{}")
            #expect(checked3.status == .ok)
        }
    }
}
