import Foundation
import HeraldCore

/// A provider request rendered from a profile, before any I/O: easy to test and to show in docs.
public struct PreparedRequest: Sendable, Hashable {
    public var method: String
    /// Base URL + path + query.
    public var url: String
    public var headers: [Header]
    public var body: [UInt8]?

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(method: String, url: String, headers: [Header], body: [UInt8]?) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

extension Profile {
    /// Renders the send request. Fields whose template uses an unset optional value are left out.
    /// Parses the profile's templates on every call: senders keep a `RequestPlan` instead.
    public func prepareSend(baseURL: String, values: TemplateValues) throws -> PreparedRequest {
        try RequestPlan(sendOf: self).prepare(baseURL: baseURL, values: values)
    }

    /// Renders the reachability check (`check:`), or nil when the profile has none.
    public func prepareCheck(baseURL: String, values: TemplateValues) throws -> PreparedRequest? {
        try RequestPlan(checkOf: self)?.prepare(baseURL: baseURL, values: values)
    }
}

/// One of a profile's requests with its templates parsed once (a driver builds it at init), so
/// rendering a message only substitutes values and writes the body.
public struct RequestPlan: Sendable {
    let profileId: String
    let method: String
    let path: CompiledTemplate
    let body: Body
    /// `request.query`, sorted by name.
    let query: [(name: String, value: FlatValue)]
    /// `request.headers`, sorted by name.
    let headers: [(name: String, value: CompiledTemplate)]
    let auth: Profile.AuthSpec?

    enum Body: Sendable {
        case none
        case json(CompiledJSONBody)
        case form([(name: String, value: FlatValue)])
        case query([(name: String, value: FlatValue)])
    }

    /// A form or query parameter: a template, or a number/bool written as text.
    enum FlatValue: Sendable {
        case template(CompiledTemplate)
        case text(String)

        func render(_ values: TemplateValues) -> String? {
            switch self {
            case .template(let template): template.render(values)
            case .text(let text): text
            }
        }
    }

    public init(sendOf profile: Profile) {
        let request = profile.request
        let body: Body
        switch request.encoding ?? .json {
        case .json: body = request.body.map { .json(CompiledJSONBody(.object($0))) } ?? .none
        case .form: body = .form(Self.flat(request.body ?? [:]))
        case .query: body = .query(Self.flat(request.body ?? [:]))
        }
        self.init(profile: profile, method: request.method ?? "POST", path: request.path, body: body)
    }

    /// Nil when the profile has no `check:`.
    public init?(checkOf profile: Profile) {
        guard let check = profile.check else { return nil }
        self.init(profile: profile, method: check.method ?? "GET", path: check.path, body: .none)
    }

    private init(profile: Profile, method: String, path: String, body: Body) {
        let request = profile.request
        self.profileId = profile.id
        self.method = method.uppercased()
        self.path = CompiledTemplate(path)
        self.body = body
        self.query = Self.flat((request.query ?? [:]).mapValues(JSONValue.string))
        self.headers = (request.headers ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, CompiledTemplate($0.value)) }
        self.auth = request.auth
    }

    /// Flat parameters for form and query encodings, sorted by name; objects, lists and nulls have no
    /// text form and are left out.
    private static func flat(_ map: [String: JSONValue]) -> [(name: String, value: FlatValue)] {
        map.sorted { $0.key < $1.key }.compactMap { name, raw in
            if case .string(let template) = raw { return (name, .template(CompiledTemplate(template))) }
            return ProfileJSONPath.text(raw).map { (name, .text($0)) }
        }
    }
}
