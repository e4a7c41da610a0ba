import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    func addTemplateRoutes(to router: Router<HeraldRequestContext>) {
        router.put("/v1/templates/:id") { request, context in
            try context.require(.enqueue)
            let templates = try templateStore()
            let id = try templateId(context)
            let body = try await request.decodeJSON(TemplateDraft.self, context: context)
            try body.validate(smsMaxSegments: deps.smsMaxSegments)
            let saved = try await templates.saveTemplate(
                id: id, content: body.content, author: body.author, note: body.note, at: deps.now())
            return try JSONResponse.make(saved, status: .created)
        }

        router.get("/v1/templates/:id") { _, context in
            try context.require(.enqueue, .ops)
            let id = try templateId(context)
            let versions = try await templateStore().templateVersions(id: id)
            guard let latest = versions.last else { throw HeraldError.notFound("template") }
            return try JSONResponse.make(TemplateView(id: id, latestVersion: latest.version, versions: versions))
        }

        router.post("/v1/templates/:id/render") { request, context in
            try context.require(.enqueue, .ops)
            let id = try templateId(context)
            let body = try await request.decodeJSON(RenderRequest.self, context: context)
            guard body.content == nil else {
                throw HeraldError.invalid("content", "comes from the template; POST /v1/render takes inline content")
            }
            guard let template = try await templateStore().templateVersion(id: id, version: body.version) else {
                throw HeraldError.notFound(body.version.map { "template \(id) version \($0)" } ?? "template")
            }
            var view = try await render(template.content, for: body)
            view.template = TemplateRef(id: template.id, version: template.version)
            return try JSONResponse.make(view)
        }
    }

    private func templateStore() throws(HeraldError) -> any TemplateStore {
        guard let templates = deps.templates else {
            throw HeraldError(code: "templates_unavailable", message: "this store does not keep templates", statusCode: 501)
        }
        return templates
    }

    private func templateId(_ context: HeraldRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        guard TemplateResolution.isValidId(id) else {
            throw HeraldError.invalid("id", "must be 1–100 letters, digits, '.', '_' or '-'")
        }
        return id
    }
}

struct TemplateView: Encodable {
    var id: String
    var latestVersion: Int
    /// Oldest first.
    var versions: [TemplateVersion]
}
