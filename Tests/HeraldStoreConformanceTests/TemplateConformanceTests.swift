import Foundation
import HeraldCore
import Testing

@Suite("Store conformance: templates")
struct TemplateConformanceTests {
    static let localized = Content(
        email: .init(
            subject: "Hi {{attributes.name}}", text: "t", html: "<p>t</p>",
            locales: ["pt-BR": .init(subject: "Olá", text: "t"), "fa": .init(subject: "سلام", text: "متن")]),
        sms: .init(text: "x", locales: ["ar": .init(text: "مرحبا")]),
        push: .init(title: "t", body: "b", data: ["deep_link": "app://x"]))

    private func templates(_ store: any Store) throws -> any TemplateStore {
        try #require(store as? any TemplateStore, "every backend keeps templates")
    }

    @Test(arguments: TestBackends.all)
    func savesNumberVersionsAndKeepEveryOne(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let templates = try templates(store)
            #expect(try await templates.templateVersions(id: "welcome").isEmpty)
            #expect(try await templates.templateVersion(id: "welcome", version: nil) == nil)

            let first = try await templates.saveTemplate(
                id: "welcome", content: Self.localized, author: "sara", note: "first cut", at: t0)
            #expect(first.version == 1)
            let second = try await templates.saveTemplate(
                id: "welcome", content: Content(sms: .init(text: "v2")), author: "ali", note: nil, at: at(60))
            #expect(second.version == 2)
            let other = try await templates.saveTemplate(
                id: "reset", content: Content(sms: .init(text: "code")), author: "ops", note: nil, at: at(61))
            #expect(other.version == 1)

            let versions = try await templates.templateVersions(id: "welcome")
            #expect(versions == [first, second])
            #expect(versions.first?.content == Self.localized)
            #expect(versions.first?.createdAt == t0)
            #expect(versions.first?.note == "first cut")
            #expect(versions.last?.note == nil)
            #expect(try await templates.templateVersion(id: "welcome", version: nil) == second)
            #expect(try await templates.templateVersion(id: "welcome", version: 1) == first)
            #expect(try await templates.templateVersion(id: "welcome", version: 3) == nil)
        }
    }

    @Test(arguments: TestBackends.all)
    func concurrentSavesNeverShareAVersion(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let templates = try templates(store)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        try await templates.saveTemplate(
                            id: "busy", content: Content(sms: .init(text: "\(i)")), author: "a", note: nil, at: at(Double(i))
                        ).version
                    }
                }
                var numbers: [Int] = []
                for try await version in group { numbers.append(version) }
                #expect(numbers.sorted() == Array(1...8))
            }
            #expect(try await templates.templateVersions(id: "busy").map(\.version) == Array(1...8))
        }
    }

    @Test(arguments: TestBackends.all)
    func aJobStoresItsPinnedTemplate(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            var job = spec("pinned", ids: ["u1"], channels: [.sms])
            job.template = TemplateRef(id: "welcome", version: 3)
            let created = try created(try await store.createJob(job, bodyHash: "h", at: t0))
            #expect(try await store.job(id: created.id)?.spec.template == TemplateRef(id: "welcome", version: 3))
        }
    }
}
