import Foundation
import HeraldCore
import HeraldStoreSQLite
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP metrics")
struct HTTPMetricsTests {
    @Test("requests are counted by route template and status, never by raw path; /metrics serves the text")
    func routeTemplates() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        let app = try await OpsApp(fixture: fixture)
        try await app.application().test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/v1/jobs/987654", method: .get, headers: app.bearer(.enqueue)) {
                    #expect($0.status == .notFound)
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/no/such/path/55555", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                let samples = PrometheusSamples(text)
                #expect(samples.value("herald_http_requests_total", ["route": "/v1/jobs/{id}", "method": "GET", "status": "404"]) == 2)
                #expect(samples.value("herald_http_requests_total", ["route": "/healthz", "status": "200"]) == 1)
                #expect(!text.contains("987654"))
                #expect(!text.contains("55555"))
            }
        }
    }
}
