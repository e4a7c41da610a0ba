import Foundation
import HTTPTypes
import HeraldCore
import HeraldEngine
import HeraldHTTP
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

@Suite("Health, metrics and the OpenAPI document")
struct HealthAndOpenAPITests {
    @Test("/healthz is 200 without a key")
    func healthz() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.get, "/healthz", as: nil)
            #expect(response.status == .ok)
            #expect(try response.json()["status"] as? String == "ok")
        }
    }

    @Test("/readyz and /metrics answer without a key")
    func readyAndMetrics() async throws {
        try await HeraldHarness.run { app in
            let ready = try await app.send(.get, "/readyz", as: nil)
            #expect(ready.status == .ok)
            #expect(try ready.json()["status"] as? String == "ready")
            let metrics = try await app.send(.get, "/metrics", as: nil)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    @Test("/openapi.yaml serves the shipped OpenAPI 3.1 document")
    func served() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.get, "/openapi.yaml", as: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
            #expect(response.text == OpenAPIDocument.text)
            let document = try #require(try Yams.load(yaml: response.text) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
        }
    }

    @Test("the document describes exactly the routes the router registers")
    func everyRouteDocumented() async throws {
        try await HeraldHarness.run { app in
            let registered = Set(HeraldHarness.api(store: app.store).router().routes.map {
                "\($0.method.rawValue.lowercased()) \($0.path.description)"
            })
            let document = try #require(try Yams.load(yaml: OpenAPIDocument.text) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: Any])
            let methods: Set = ["get", "put", "post", "delete", "patch", "head", "options"]
            var documented: Set<String> = []
            for (path, item) in paths {
                for key in (item as? [String: Any] ?? [:]).keys where methods.contains(key) {
                    documented.insert("\(key) \(path)")
                }
            }
            #expect(registered.count >= 19)
            #expect(registered.subtracting(documented).isEmpty, "routes missing from openapi.yaml")
            #expect(documented.subtracting(registered).isEmpty, "openapi.yaml documents routes that do not exist")
        }
    }

    @Test("every $ref in the document resolves and every operation lists its responses")
    func referencesResolve() throws {
        let document = try #require(try Yams.load(yaml: OpenAPIDocument.text) as? [String: Any])
        var references: [String] = []
        func collect(_ node: Any) {
            if let object = node as? [String: Any] {
                if let ref = object["$ref"] as? String { references.append(ref) }
                object.values.forEach(collect)
            } else if let array = node as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for reference in references {
            var node: Any? = document
            for part in reference.dropFirst(2).split(separator: "/") {
                node = (node as? [String: Any])?[String(part)]
            }
            #expect(node != nil, "unresolved \(reference)")
        }
        for (path, item) in document["paths"] as? [String: Any] ?? [:] {
            for (method, operation) in item as? [String: Any] ?? [:] where method != "parameters" {
                let responses = (operation as? [String: Any])?["responses"] as? [String: Any]
                #expect(responses?.isEmpty == false, "\(method) \(path) has no responses")
            }
        }
    }
}
