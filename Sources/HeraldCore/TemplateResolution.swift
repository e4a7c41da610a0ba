/// Turns a job's `template: {id, version?}` into the content it sends, at intake: the version is pinned and
/// its content copied into the job, so editing the template later never changes a job already accepted,
/// and the job's idempotency hash (computed afterwards) covers the version it resolved to.
public enum TemplateResolution {
    public static func resolve(_ spec: inout JobSpec, in templates: (any TemplateStore)?) async throws {
        guard let ref = spec.template else { return }
        guard spec.content == Content() else {
            throw HeraldError.invalid("template", "give either content or template, not both")
        }
        guard let templates else {
            throw HeraldError(
                code: "templates_unavailable", message: "this store does not keep templates", field: "template",
                statusCode: 501)
        }
        guard let found = try await templates.templateVersion(id: ref.id, version: ref.version) else {
            let what = ref.version.map { "template \(ref.id) has no version \($0)" } ?? "no template \(ref.id)"
            throw HeraldError(
                code: "template_not_found", message: what,
                field: ref.version == nil ? "template.id" : "template.version")
        }
        spec.content = found.content
        spec.template = TemplateRef(id: found.id, version: found.version)
    }

    /// A template id: 1–100 letters, digits, `.`, `_` or `-`.
    public static func isValidId(_ id: String) -> Bool {
        (1...100).contains(id.count)
            && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}
