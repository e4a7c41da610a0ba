import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

/// Requests no route answers get the same JSON error envelope as every other 4xx: 404 for an unknown
/// path, 405 with `Allow` for a known path and an unlisted method.
@Suite("Unknown routes and methods")
struct UnknownRouteTests {
    @Test("an unknown path is 404 with the error envelope")
    func unknownPath() async throws {
        try await HeraldHarness.run { app in
            for uri in ["/nope", "/v1/contacts", "/v1/contacts/u1/consents/extra"] {
                let response = try await app.send(.get, uri, as: .admin)
                #expect(response.status == .notFound, "\(uri)")
                #expect(try response.error().code == "not_found", "\(uri)")
            }
        }
    }

    @Test(
        "a known path with an unlisted method is 405 naming the allowed ones",
        arguments: [
            (HTTPRequest.Method.patch, "/v1/contacts/u1", "GET, PUT, DELETE"),
            (.patch, "/v1/jobs", "POST"),
            (.put, "/healthz", "GET"),
        ])
    func unlistedMethod(method: HTTPRequest.Method, uri: String, allow: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(method, uri, as: .admin)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allow)
            #expect(try response.error().code == "method_not_allowed")
        }
    }
}
