import Foundation
import Hummingbird
import HeraldCore
import NIOCore

/// RFC 8058 one-click unsubscribe. GET shows a confirmation page (mail scanners prefetch links, so GET
/// never revokes); POST revokes. A forged or tampered token records nothing.
extension HeraldAPI {
    func addUnsubscribeRoutes(to router: Router<HeraldRequestContext>) {
        router.get("/u/:token") { _, context in
            let token = try await verifiedToken(context)
            return html(UnsubscribePage.confirm(channel: token.channel, topic: token.topic))
        }

        router.post("/u/:token") { request, context in
            let token = try await verifiedToken(context)
            _ = try await request.bodyData(context: context, limit: BodyLimits.unsubscribe)
            let input = ConsentInput(
                contactId: token.contactId, channel: token.channel, topic: token.topic, status: .revoked,
                source: "email_one_click", evidence: ["method": "POST", "rfc": "8058"], actor: "recipient",
                occurredAt: deps.now())
            _ = try await deps.store.appendConsent(input, at: deps.now())
            return html(UnsubscribePage.done)
        }
    }

    /// Genuine, and signed for the contact now stored under its id: an old link must not revoke in the name of
    /// someone stored there after an erasure.
    private func verifiedToken(_ context: HeraldRequestContext) async throws -> UnsubscribeToken {
        guard let raw = context.parameters.get("token"),
            let token = UnsubscribeToken.verify(raw, secret: deps.unsubscribeSecret),
            try await !linkPredatesContact(token.contactId, token.predates)
        else { throw Self.invalidToken }
        return token
    }

    private static var invalidToken: HeraldError {
        HeraldError(code: "invalid_token", message: "this unsubscribe link is not valid")
    }

    /// A link signed before its contact was erased must not act for whoever is stored under the id since: it
    /// could read their choices or record consent in their name (`LinkOwnership`).
    func linkPredatesContact(_ contactId: String, _ predates: (Date) -> Bool) async throws -> Bool {
        guard let store = deps.store as? any ContactErasureStore, let created = try await store.contactCreatedAt(contactId)
        else { return false }
        return predates(created)
    }

    private func html(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

enum UnsubscribePage {
    static func confirm(channel: String, topic: String) -> String {
        let scope = topic == "*" ? "all marketing" : "“\(escape(topic))” messages"
        return page(
            """
            <h1>Unsubscribe</h1>
            <p>Stop receiving \(scope) on \(channel == "*" ? "any channel" : escape(channel))?</p>
            <form method="post"><button type="submit">Unsubscribe</button></form>
            """)
    }

    static let done = page("<h1>You are unsubscribed</h1><p>We have recorded your choice.</p>")

    private static func page(_ body: String) -> String {
        """
        <!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>Unsubscribe</title></head><body dir="auto" style="font-family:sans-serif;max-width:32em;margin:3em auto">
        \(body)</body></html>
        """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
