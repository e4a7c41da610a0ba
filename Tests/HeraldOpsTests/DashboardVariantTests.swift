import Foundation
import HTTPTypes
import HeraldCore
import HeraldStoreSQLite
import HummingbirdTesting
import NIOCore
import Testing

/// The dashboard's delivery page says which locale variant a delivery was sent.
@Suite("Dashboard: locale variant of a delivery")
struct DashboardVariantTests {
    @Test func theDeliveryPageShowsTheVariantUsed() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        let now = Date()
        try await fixture.store.upsertContacts(
            [
                Contact(id: "v-fa", timezone: "Asia/Tehran", locale: "fa-IR", email: "fa@example.ir"),
                Contact(id: "v-ru", timezone: "Europe/Moscow", locale: "ru", email: "ru@example.ru"),
            ], at: now)
        let spec = JobSpec(
            idempotencyKey: "variants", purpose: .transactional, audience: Audience(contactIds: ["v-fa", "v-ru"]),
            channels: [.email],
            content: Content(email: .init(subject: "Hi", text: "t", locales: ["fa": .init(subject: "سلام", text: "ت")])))
        _ = try await fixture.store.createJob(spec, bodyHash: spec.canonicalHash(), at: now)
        try await fixture.runJob()
        let deliveries = try await fixture.store.deliveries(DeliveryQuery(channel: .email))
        let persian = try #require(deliveries.first { $0.contactId == "v-fa" })
        let russian = try #require(deliveries.first { $0.contactId == "v-ru" })

        let app = try await OpsApp(fixture: fixture)
        try await app.application().test(.router) { client in
            // Signing in with the key sets a session cookie; the pages are read with it.
            let signIn = try await client.execute(uri: "/ui?key=\(app.keys[.ops]!)", method: .get)
            let header = signIn.headers[.setCookie] ?? ""
            let session = header.range(of: "herald_ui=").map { String(header[$0.upperBound...].prefix { $0 != ";" }) }
            let cookie: HTTPFields = [.cookie: "herald_ui=\(try #require(session))"]
            let fa = try await client.execute(uri: "/ui/delivery?id=\(persian.id)", method: .get, headers: cookie)
            #expect(String(buffer: fa.body).contains(#"<span class="variant">variant fa</span>"#))
            #expect(String(buffer: fa.body).contains("contact locale fa-IR matched variant fa"))
            let ru = try await client.execute(uri: "/ui/delivery?id=\(russian.id)", method: .get, headers: cookie)
            #expect(String(buffer: ru.body).contains(#"<span class="variant">default content</span>"#))
        }
    }
}
