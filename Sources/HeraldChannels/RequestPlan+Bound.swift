import Foundation
import HeraldCore

/// A `RequestPlan` for one channel instance: its base URL, options and secrets written in once, so a
/// message only fills in its own fields. Headers, auth and a URL that no message changes are built here,
/// not per message.
struct BoundRequestPlan: Sendable {
    let profileId: String
    let method: String
    let url: URLStart
    /// `request.query`, then the body's pairs when it is query-encoded.
    let query: [(name: String, value: CompiledTemplate)]
    let body: Body
    /// In the order `prepare` has always written them: Content-Type, the profile's (sorted), auth.
    let headers: [Header]
    let auth: Auth

    enum URLStart: Sendable {
        /// Base URL and path, with whether it already has a query.
        case fixed(String, hasQuery: Bool)
        /// Base URL without a trailing `/`, and a path that reads message fields.
        case path(base: String, CompiledTemplate)
        /// The path uses an option or secret that is not set.
        case unset
    }

    enum Body: Sendable {
        case none
        case json(CompiledJSONBody)
        case form([(name: String, value: CompiledTemplate)])
    }

    enum Header: Sendable {
        case fixed(PreparedRequest.Header)
        case template(name: String, CompiledTemplate)
    }

    enum Auth: Sendable {
        case none
        case query(String, String)
        /// An auth secret is not set: every prepare throws.
        case missingSecret
    }

    init(_ plan: RequestPlan, baseURL: String, options: [String: String], secrets: [String: String]) {
        func bind(_ template: CompiledTemplate) -> CompiledTemplate { template.binding(options: options, secrets: secrets) }
        func bind(_ pairs: [(name: String, value: RequestPlan.FlatValue)]) -> [(name: String, value: CompiledTemplate)] {
            pairs.compactMap { name, value in
                let template = switch value {
                case .template(let template): bind(template)
                case .text(let text): CompiledTemplate.literal(text)
                }
                // Left out of every message, as an unset optional value leaves it out of one.
                if case .some(.none) = template.constant { return nil }
                return (name, template)
            }
        }
        profileId = plan.profileId
        method = plan.method
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let path = plan.path.binding(options: options, secrets: secrets, escape: PercentEncoding.pathSegment)
        switch path.constant {
        case .some(.some(let text)):
            let url = base + text
            self.url = .fixed(url, hasQuery: url.contains("?"))
        case .some(.none): self.url = .unset
        case .none: self.url = .path(base: base, path)
        }
        var query = bind(plan.query)
        var headers: [Header] = []
        switch plan.body {
        case .none: body = .none
        case .json(let template):
            body = .json(template.binding(options: options, secrets: secrets))
            headers.append(.fixed(.init(name: "Content-Type", value: "application/json")))
        case .form(let pairs):
            body = .form(bind(pairs))
            headers.append(.fixed(.init(name: "Content-Type", value: "application/x-www-form-urlencoded")))
        case .query(let pairs):
            body = .none
            query += bind(pairs)
        }
        for (name, template) in plan.headers {
            let bound = bind(template)
            switch bound.constant {
            case .some(.some(let value)): headers.append(.fixed(.init(name: name, value: RequestPlan.singleLine(value))))
            case .some(.none): continue
            case .none: headers.append(.template(name: name, bound))
            }
        }
        var auth = Auth.none
        if let spec = plan.auth {
            func secret(_ name: String?) -> String? { name.flatMap { secrets[$0] } }
            switch spec.type {
            case .none: break
            case .basic:
                if let username = secret(spec.username), let password = secret(spec.password) {
                    let pair = "\(username):\(password)"
                    headers.append(.fixed(.init(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())))
                } else {
                    auth = .missingSecret
                }
            case .bearer:
                if let token = secret(spec.secret) {
                    headers.append(.fixed(.init(name: "Authorization", value: "Bearer " + token)))
                } else {
                    auth = .missingSecret
                }
            case .header:
                if let key = secret(spec.secret) {
                    headers.append(.fixed(.init(name: spec.name ?? "X-API-Key", value: key)))
                } else {
                    auth = .missingSecret
                }
            case .query:
                auth = secret(spec.secret).map { .query(spec.name ?? "api_key", $0) } ?? .missingSecret
            }
        }
        self.query = query
        self.headers = headers
        self.auth = auth
    }

    /// The message fields the request reads.
    var fieldsRead: FieldSlots {
        var slots: FieldSlots = []
        if case .path(_, let template) = url { slots.formUnion(template.fieldsRead) }
        for (_, template) in query { slots.formUnion(template.fieldsRead) }
        for case .template(_, let template) in headers { slots.formUnion(template.fieldsRead) }
        switch body {
        case .none: break
        case .json(let template): slots.formUnion(template.fieldsRead)
        case .form(let pairs): for (_, template) in pairs { slots.formUnion(template.fieldsRead) }
        }
        return slots
    }

    /// Renders the request for one message. Fields whose template uses an unset optional value are left
    /// out; a path that does, or an auth secret that is missing, throws `HeraldError`.
    func prepare(_ values: TemplateValues) throws -> PreparedRequest {
        var url: String
        var hasQuery: Bool
        switch self.url {
        case .fixed(let fixed, let query):
            url = fixed
            hasQuery = query
        case .path(let base, let path):
            guard let rendered = path.render(values, escape: PercentEncoding.pathSegment) else { throw unsetPath }
            url = base + rendered
            hasQuery = url.contains("?")
        case .unset: throw unsetPath
        }
        var queryPairs = Self.render(query, values)
        var bytes: [UInt8]?
        switch body {
        case .none: break
        case .json(let template):
            var json: [UInt8] = []
            json.reserveCapacity(256)
            _ = template.write(values, to: &json)
            bytes = json
        case .form(let pairs):
            bytes = Array(PercentEncoding.formEncode(Self.render(pairs, values)).utf8)
        }
        var headers: [PreparedRequest.Header] = []
        headers.reserveCapacity(self.headers.count)
        for header in self.headers {
            switch header {
            case .fixed(let header): headers.append(header)
            case .template(let name, let template):
                guard let value = template.render(values) else { continue }
                headers.append(.init(name: name, value: RequestPlan.singleLine(value)))
            }
        }
        switch auth {
        case .none: break
        case .query(let name, let value): queryPairs.append((name, value))
        case .missingSecret: throw HeraldError.invalid("request.auth", "profile \(profileId): auth secret is not set")
        }
        if !queryPairs.isEmpty { url += (hasQuery ? "&" : "?") + PercentEncoding.formEncode(queryPairs) }
        return PreparedRequest(method: method, url: url, headers: headers, body: bytes)
    }

    private var unsetPath: HeraldError {
        HeraldError.invalid("request.path", "profile \(profileId): the path uses a value that is not set")
    }

    private static func render(_ pairs: [(name: String, value: CompiledTemplate)], _ values: TemplateValues)
        -> [(String, String)]
    {
        pairs.compactMap { name, template in template.render(values).map { (name, $0) } }
    }
}
