import Foundation
import HTTPTypes
import Hummingbird
import HeraldCore
import NIOCore

/// The preference centre (SPEC §9): `GET /p/{token}` shows a contact's subscriptions per topic and channel,
/// `POST` saves them as ledger events with source `preference_centre`. Public: the signed, expiring token
/// is the only credential, and it is checked before anything is read from the store, so a flood of bad
/// links costs an HMAC each. A link that is forged, tampered with or expired gets a 4xx page and records
/// nothing.
extension HeraldAPI {
    static let preferenceSource = "preference_centre"

    func addPreferenceRoutes(to router: Router<HeraldRequestContext>) {
        router.get("/p/:token") { request, context in
            switch try await openPreferences(request, context) {
            case .refused(let response):
                return response
            case .visit(let visit):
                let saved = request.uri.queryParameters["saved"] != nil
                let page = PreferencePage.form(visit.choices, token: visit.raw, strings: visit.strings, saved: saved)
                return preferenceHTML(.ok, page)
            }
        }

        router.post("/p/:token") { request, context in
            let visit: PreferenceVisit
            switch try await openPreferences(request, context) {
            case .refused(let response): return response
            case .visit(let opened): visit = opened
            }
            let body = try await request.bodyData(context: context, limit: BodyLimits.preferences)
            let form = PreferenceForm(body)
            guard PreferenceRequestCheck.isSameOrigin(request, publicBaseURL: deps.publicBaseURL),
                form.value("token") == visit.raw
            else {
                return preferenceHTML(.forbidden, PreferencePage.problem(visit.strings.refused, strings: visit.strings))
            }
            let changes =
                form.value("action") == "leave_all"
                ? [PreferenceChoices.leaveEverything] : visit.choices.changes(ticked: form.values("sub"))
            if !changes.isEmpty {
                let now = deps.now()
                let evidence = PreferenceEvidence.make(
                    request, context: context, tokenId: visit.token.tokenId, action: form.value("action") ?? "save", at: now)
                let inputs = changes.map { change in
                    ConsentInput(
                        contactId: visit.token.contactId, channel: change.channel, topic: change.topic, status: change.status,
                        source: Self.preferenceSource, evidence: evidence, actor: "recipient", occurredAt: now)
                }
                try await appendTogether(inputs, at: now)
            }
            // Post/redirect/get: a reload shows the saved state instead of posting again. Relative, so it also
            // works behind a proxy that serves Herald under a path prefix.
            var headers = PreferenceHeaders.page
            headers[.location] = "\(visit.raw)?saved=1"
            return Response(status: .seeOther, headers: headers)
        }
    }

    /// Verifies the link, then loads the contact and what the ledger says now.
    private func openPreferences(_ request: Request, _ context: HeraldRequestContext) async throws -> PreferenceOpening {
        let browser = PreferenceStrings.forAcceptLanguage(request.headers[.acceptLanguage])
        guard let keys = deps.preferenceKeys, let raw = context.parameters.get("token") else {
            return .refused(preferenceHTML(.notFound, PreferencePage.problem(browser.invalidLink, strings: browser)))
        }
        switch keys.verify(raw, now: deps.now()) {
        case .invalid:
            return .refused(preferenceHTML(.notFound, PreferencePage.problem(browser.invalidLink, strings: browser)))
        case .expired:
            return .refused(preferenceHTML(.gone, PreferencePage.problem(browser.expiredLink, strings: browser)))
        case .valid(let token):
            guard let contact = try await deps.store.contact(id: token.contactId),
                try await !linkPredatesContact(token.contactId, token.predates)
            else {
                return .refused(preferenceHTML(.notFound, PreferencePage.problem(browser.invalidLink, strings: browser)))
            }
            let events = try await deps.store.consentEvents(contactId: contact.id)
            return .visit(
                PreferenceVisit(
                    token: token, raw: raw,
                    strings: PreferenceStrings.forContact(
                        locale: contact.locale, acceptLanguage: request.headers[.acceptLanguage]),
                    choices: PreferenceChoices(topics: deps.topics, contact: contact, events: events)))
        }
    }

    /// All of one submission's events or none: a half-saved form would show the person a state they did not choose.
    private func appendTogether(_ inputs: [ConsentInput], at now: Date) async throws {
        if let store = deps.store as? any ConsentImportStore {
            _ = try await store.importConsents(inputs, at: now, progress: nil)
        } else {
            for input in inputs { _ = try await deps.store.appendConsent(input, at: now) }
        }
    }

    private func preferenceHTML(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: PreferenceHeaders.page, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A valid link, opened: whose it is, in which language the page speaks, and what it offers.
struct PreferenceVisit {
    var token: PreferenceToken
    /// The token as the URL carried it; the form must post it back.
    var raw: String
    var strings: PreferenceStrings
    var choices: PreferenceChoices
}

enum PreferenceOpening {
    case visit(PreferenceVisit)
    case refused(Response)
}

enum PreferenceHeaders {
    /// Not cached (the page holds the link's token and the person's choices), never framed (a framed page
    /// could be clicked through an overlay), and no resources from anywhere else.
    static let page: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ]
}
