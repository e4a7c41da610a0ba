import Foundation
import HeraldCore

extension Profile {
    /// Checks what decoding cannot: placeholders name declared secrets/options, auth names its secrets,
    /// message-id and receipt specs are complete. Errors name the field (`request.body.chat_id`).
    public func validate() throws {
        func fail(_ field: String, _ message: String) -> HeraldError {
            HeraldError(code: "invalid_profile", message: message, field: field)
        }
        guard !id.isEmpty, id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw fail("id", "use lower-case letters, digits and dashes")
        }
        guard kind == .sms || kind == .messenger else { throw fail("kind", "profiles are for sms or messenger") }
        if kind == .messenger, addressPrefix.isEmpty {
            throw fail("address_prefix", "a messenger profile must say which addresses it handles, e.g. telegram:")
        }
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw fail("base_url", "must start with http:// or https://")
        }
        guard request.path.hasPrefix("/") else { throw fail("request.path", "must start with /") }
        guard ["GET", "POST", "PUT"].contains((request.method ?? "POST").uppercased()) else {
            throw fail("request.method", "use GET, POST or PUT")
        }
        try validateTemplates(fail)
        try validateAuth(fail)
        try validateResponse(fail)
        try validateSignature(fail)
        try validateVerification(fail)
        if let receipts, receipts.delivered.isEmpty && receipts.failed.isEmpty {
            throw fail("receipts", "list the provider statuses that mean delivered and failed")
        }
        if let inbound, inbound.fromFormat == .national,
            !(inbound.fromCountryCode.map { PhoneNumber.isCallingCode($0) } ?? false)
        {
            throw fail("inbound.from_country_code", "from_format national needs the country calling code, e.g. \"98\"")
        }
    }

    /// Every templated string with its field name, for validation and docs.
    var templatedFields: [(field: String, template: String)] {
        var fields: [(String, String)] = [("request.path", request.path)]
        for (name, value) in request.query ?? [:] { fields.append(("request.query.\(name)", value)) }
        for (name, value) in request.headers ?? [:] { fields.append(("request.headers.\(name)", value)) }
        func walk(_ value: JSONValue, _ field: String) {
            switch value {
            case .string(let s): fields.append((field, s))
            case .array(let items): for (i, item) in items.enumerated() { walk(item, "\(field).\(i)") }
            case .object(let members): for (key, member) in members { walk(member, "\(field).\(key)") }
            default: break
            }
        }
        walk(.object(request.body ?? [:]), "request.body")
        if let check { fields.append(("check.path", check.path)) }
        if let value = response.messageId?.value { fields.append(("response.message_id.value", value)) }
        return fields
    }

    private func validateTemplates(_ fail: (String, String) -> HeraldError) throws {
        for (field, template) in templatedFields {
            for name in ProfileTemplate.placeholders(in: template) {
                if name.hasPrefix("secret.") {
                    guard secrets.contains(String(name.dropFirst(7))) else {
                        throw fail(field, "{{\(name)}} is not listed under secrets")
                    }
                } else if name.hasPrefix("option.") || name == "from" {
                    let option = name == "from" ? "from" : String(name.dropFirst(7))
                    guard let spec = options[option] else {
                        throw fail(field, "{{\(name)}} is not listed under options")
                    }
                    if field.hasSuffix(".path"), spec.required != true, spec.default == nil {
                        throw fail(field, "a path may only use options that are required or have a default")
                    }
                } else if !TemplateValues.fieldNames.contains(name) {
                    throw fail(field, "unknown placeholder {{\(name)}}")
                }
            }
        }
        if request.encoding != nil && request.encoding != .json {
            for (key, value) in request.body ?? [:] {
                if case .object = value { throw fail("request.body.\(key)", "form and query bodies must be flat") }
                if case .array = value { throw fail("request.body.\(key)", "form and query bodies must be flat") }
            }
        }
    }

    private func validateAuth(_ fail: (String, String) -> HeraldError) throws {
        guard let auth = request.auth else { return }
        let needed: [String?] =
            switch auth.type {
            case .none: []
            case .basic: [auth.username, auth.password]
            case .bearer, .header, .query: [auth.secret]
            }
        for name in needed {
            guard let name else { throw fail("request.auth", "\(auth.type.rawValue) auth must name its secret(s)") }
            guard secrets.contains(name) else {
                throw fail("request.auth", "secret \(name) is not listed under secrets")
            }
        }
    }

    private func validateResponse(_ fail: (String, String) -> HeraldError) throws {
        if let spec = response.messageId {
            let given = [spec.path, spec.regex, spec.value].compactMap { $0 }
            guard given.count == 1 else { throw fail("response.message_id", "give exactly one of path, regex, value") }
            if let pattern = spec.regex {
                guard let regex = try? NSRegularExpression(pattern: pattern), regex.numberOfCaptureGroups >= 1 else {
                    throw fail("response.message_id.regex", "must be a valid regex with one capture group")
                }
            }
        }
        for (index, rule) in response.classify.enumerated() {
            if let source = rule.retryAfter, source.header == nil, source.path == nil {
                throw fail("response.classify.\(index).retry_after", "give a header or a path")
            }
        }
    }
}
