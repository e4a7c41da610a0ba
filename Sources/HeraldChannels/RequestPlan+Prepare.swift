import Foundation
import HeraldCore

extension RequestPlan {
    /// Renders the request for one message (or one check). Fields whose template uses an unset optional
    /// value are left out; a path that does, or an auth secret that is missing, throws `HeraldError`.
    public func prepare(baseURL: String, values: TemplateValues) throws -> PreparedRequest {
        guard let renderedPath = path.render(values, escape: PercentEncoding.pathSegment)
        else { throw HeraldError.invalid("request.path", "profile \(profileId): the path uses a value that is not set") }
        var queryPairs = Self.render(query, values)
        var headers: [PreparedRequest.Header] = []
        headers.reserveCapacity(self.headers.count + 2)
        var bytes: [UInt8]?
        switch body {
        case .none: break
        case .json(let template):
            var json = ""
            json.reserveCapacity(256)
            _ = template.write(values, to: &json)
            bytes = Array(json.utf8)
            headers.append(.init(name: "Content-Type", value: "application/json"))
        case .form(let pairs):
            bytes = Array(PercentEncoding.formEncode(Self.render(pairs, values)).utf8)
            headers.append(.init(name: "Content-Type", value: "application/x-www-form-urlencoded"))
        case .query(let pairs):
            queryPairs += Self.render(pairs, values)
        }
        for (name, template) in self.headers {
            guard let value = template.render(values) else { continue }
            headers.append(.init(name: name, value: Self.singleLine(value)))
        }
        try applyAuth(headers: &headers, query: &queryPairs, values: values)
        var url = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        url += renderedPath
        if !queryPairs.isEmpty { url += (url.contains("?") ? "&" : "?") + PercentEncoding.formEncode(queryPairs) }
        return PreparedRequest(method: method, url: url, headers: headers, body: bytes)
    }

    /// A header value must not end the header line: a contact attribute carrying CR or LF could add
    /// headers of its own. Filtered by scalar, because "\r\n" is one `Character` and a character filter misses it.
    static func singleLine(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
    }

    private static func render(_ pairs: [(name: String, value: FlatValue)], _ values: TemplateValues) -> [(String, String)] {
        pairs.compactMap { name, value in value.render(values).map { (name, $0) } }
    }

    private func applyAuth(
        headers: inout [PreparedRequest.Header], query: inout [(String, String)], values: TemplateValues
    ) throws {
        guard let auth else { return }
        func secret(_ name: String?) throws -> String {
            guard let name, let value = values.secrets[name] else {
                throw HeraldError.invalid("request.auth", "profile \(profileId): auth secret is not set")
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
}
