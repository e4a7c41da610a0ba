import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    func addRenderRoutes(to router: Router<HeraldRequestContext>) {
        router.post("/v1/render") { request, context in
            try context.require(.enqueue, .ops)
            let body = try await request.decodeJSON(RenderRequest.self, context: context)
            guard let content = body.content else {
                throw HeraldError.invalid("content", "is required", code: "missing_field")
            }
            return try JSONResponse.make(try await render(content, for: body))
        }
    }

    /// Renders `content` for the request's contact on each channel it has content for (or those asked for).
    func render(_ content: Content, for body: RenderRequest) async throws -> RenderView {
        let compiled = try CompiledContent(content)
        let contact = try await body.resolveContact(in: deps.store)
        var channels: [String: ChannelRender] = [:]
        for kind in body.channels ?? ChannelKind.allCases {
            let links = {
                TemplateLinks.signed(
                    baseURL: deps.publicBaseURL, secret: deps.unsubscribeSecret, contactId: contact.id, channel: kind,
                    topic: body.topic, now: deps.now(),
                    preferencesLink: deps.preferenceKeys?.link(
                        baseURL: deps.publicBaseURL, contactId: contact.id, now: deps.now()))
            }
            guard let preview = compiled.preview(kind, for: contact, links: links) else { continue }
            channels[kind.rawValue] = ChannelRender(preview, smsMaxSegments: deps.smsMaxSegments)
        }
        return RenderView(template: nil, contactId: contact.id, locale: contact.locale, channels: channels)
    }
}

/// `POST /v1/render` and `POST /v1/templates/{id}/render`: content (inline, or the template's) and a contact,
/// by id or inline; `channels` narrows the answer.
struct RenderRequest: Decodable {
    var content: Content?
    var contactId: String?
    var contact: ContactBody?
    var channels: [ChannelKind]?
    /// The job topic `{{unsubscribe_url}}` would unsubscribe from (all marketing when omitted).
    var topic: String?
    /// For a template: which version (latest when omitted).
    var version: Int?

    func resolveContact(in store: any Store) async throws -> Contact {
        switch (contactId, contact) {
        case (let id?, nil):
            guard let found = try await store.contact(id: id) else { throw HeraldError.notFound("contact") }
            return found
        case (nil, let inline?):
            let id = inline.fields["id"].flatMap { if case .string(let id) = $0 { id } else { nil } } ?? "preview"
            let contact = try inline.contact(id: id, fieldPrefix: "contact")
            try ContactValidation.validate(contact)
            return contact
        default:
            throw HeraldError.invalid("contact", "give exactly one of contact_id or contact")
        }
    }
}

struct RenderView: Encodable {
    /// The template and version rendered, for `POST /v1/templates/{id}/render`.
    var template: TemplateRef?
    var contactId: String
    var locale: String?
    /// By channel kind.
    var channels: [String: ChannelRender]
}
