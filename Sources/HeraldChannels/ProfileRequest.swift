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
    public func prepareSend(baseURL: String, values: TemplateValues) throws -> PreparedRequest {
        try prepare(
            method: request.method ?? "POST", path: request.path, encoding: request.encoding ?? .json,
            body: request.body, baseURL: baseURL, values: values)
    }

    /// Renders the reachability check (`check:`), or nil when the profile has none.
    public func prepareCheck(baseURL: String, values: TemplateValues) throws -> PreparedRequest? {
        guard let check else { return nil }
        return try prepare(
            method: check.method ?? "GET", path: check.path, encoding: .query, body: nil, baseURL: baseURL,
            values: values)
    }

    private func prepare(
        method: String, path: String, encoding: BodyEncoding, body: [String: JSONValue]?, baseURL: String,
        values: TemplateValues
    ) throws -> PreparedRequest {
        guard let renderedPath = ProfileTemplate.render(path, values: values, escape: PercentEncoding.pathSegment)
        else { throw HeraldError.invalid("request.path", "profile \(id): the path uses a value that is not set") }
        var query = renderPairs((request.query ?? [:]).mapValues(JSONValue.string), values: values)
        var headers: [PreparedRequest.Header] = []
        var bytes: [UInt8]?
        switch encoding {
        case .json:
            if let body {
                let rendered = JSONValue.object(body).renderingTemplates(values) ?? .object([:])
                bytes = Array(try Self.jsonEncoder.encode(rendered))
                headers.append(.init(name: "Content-Type", value: "application/json"))
            }
        case .form:
            let pairs = renderPairs(body ?? [:], values: values)
            bytes = Array(PercentEncoding.formEncode(pairs).utf8)
            headers.append(.init(name: "Content-Type", value: "application/x-www-form-urlencoded"))
        case .query:
            query += renderPairs(body ?? [:], values: values)
        }
        for (name, template) in (request.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let value = ProfileTemplate.render(template, values: values) else { continue }
            headers.append(.init(name: name, value: value.filter { $0 != "\r" && $0 != "\n" }))
        }
        try applyAuth(headers: &headers, query: &query, values: values)
        var url = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        url += renderedPath
        if !query.isEmpty { url += (url.contains("?") ? "&" : "?") + PercentEncoding.formEncode(query) }
        return PreparedRequest(method: method.uppercased(), url: url, headers: headers, body: bytes)
    }

    /// Flat parameters for form and query encodings; leaves are rendered, then stringified.
    private func renderPairs(_ map: [String: JSONValue], values: TemplateValues) -> [(String, String)] {
        map.sorted { $0.key < $1.key }.compactMap { key, raw in
            raw.renderingTemplates(values).flatMap(ProfileJSONPath.text).map { (key, $0) }
        }
    }

    private func applyAuth(
        headers: inout [PreparedRequest.Header], query: inout [(String, String)], values: TemplateValues
    )
        throws
    {
        guard let auth = request.auth else { return }
        func secret(_ name: String?) throws -> String {
            guard let name, let value = values.secrets[name] else {
                throw HeraldError.invalid("request.auth", "profile \(id): auth secret is not set")
            }
            return value
        }
        switch auth.type {
        case .none: break
        case .basic:
            let pair = "\(try secret(auth.username)):\(try secret(auth.password))"
            headers.append(.init(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString()))
        case .bearer: headers.append(.init(name: "Authorization", value: "Bearer " + (try secret(auth.secret))))
        case .header: headers.append(.init(name: auth.name ?? "X-API-Key", value: try secret(auth.secret)))
        case .query: query.append((auth.name ?? "api_key", try secret(auth.secret)))
        }
    }

    static let jsonEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension JSONValue {
    /// Renders string leaves as templates; a member whose template lacks a value is left out.
    func renderingTemplates(_ values: TemplateValues) -> JSONValue? {
        switch self {
        case .string(let template): return ProfileTemplate.render(template, values: values).map(JSONValue.string)
        case .array(let items): return .array(items.compactMap { $0.renderingTemplates(values) })
        case .object(let members): return .object(members.compactMapValues { $0.renderingTemplates(values) })
        case .null, .bool, .number: return self
        }
    }
}
