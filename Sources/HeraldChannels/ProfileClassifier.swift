import Foundation
import HeraldCore

/// A provider's answer as the classifier sees it.
public struct ProviderResponse: Sendable, Hashable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    /// For transports that already lower-cased the names.
    init(status: Int, lowercasedHeaders: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = lowercasedHeaders
        self.body = body
    }
}

extension Profile {
    /// Pure: status, headers and body → outcome, provider message id and retry-after.
    /// `now` is only used to turn an HTTP-date Retry-After into seconds.
    public func classify(_ response: ProviderResponse, values: TemplateValues, now: Date) -> SendResult {
        let json = ProfileJSONPath.parse(response.body)
        // Only `body_contains` rules and regex message ids read the body as text.
        let needsText = self.response.messageId?.regex != nil || self.response.classify.contains { $0.bodyContains != nil }
        let text = needsText ? String(decoding: response.body, as: UTF8.self) : ""
        let rule = self.response.classify.first { $0.matches(response, document: json, text: text) }
        let outcome = rule?.outcome ?? self.response.otherwise ?? Self.fallbackOutcome(status: response.status)
        var result = SendResult(outcome: outcome)
        if outcome == .sent {
            result.providerMessageId = messageId(json: json, text: text, values: values)
        } else {
            result.error = "HTTP \(response.status)" + (rule?.reason.map { ": \($0)" } ?? "")
        }
        if outcome == .retry {
            let source = rule?.retryAfter ?? ValueSource(header: "Retry-After", path: nil)
            result.retryAfter = Self.retryAfter(source, response: response, json: json, now: now)
        }
        return result
    }

    /// Lower-cased names of the response headers `classify` can read, so a transport keeps only those.
    public var responseHeadersRead: [String] {
        var names = ["retry-after"]
        for rule in response.classify {
            if let name = rule.retryAfter?.header?.lowercased(), !names.contains(name) { names.append(name) }
        }
        return names
    }

    static func fallbackOutcome(status: Int) -> AttemptOutcome {
        switch status {
        case 200...299: .sent
        case 408, 429, 500...599: .retry
        default: .permanent
        }
    }

    private func messageId(json: JSONValue?, text: String, values: TemplateValues) -> String? {
        guard let spec = response.messageId else { return nil }
        if let path = spec.path {
            return json.flatMap { ProfileJSONPath.lookup(path, in: $0) }.flatMap(ProfileJSONPath.text)
        }
        if let pattern = spec.regex, let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            match.numberOfRanges > 1,
            let range = Range(match.range(at: 1), in: text)
        {
            return String(text[range])
        }
        if let template = spec.value { return ProfileTemplate.render(template, values: values) }
        return nil
    }

    static func retryAfter(_ source: ValueSource, response: ProviderResponse, json: JSONValue?, now: Date)
        -> TimeInterval?
    {
        if let path = source.path, let json, let value = ProfileJSONPath.lookup(path, in: json),
            let seconds = ProfileJSONPath.text(value).flatMap(TimeInterval.init)
        {
            return max(seconds, 0)
        }
        guard let name = source.header, let raw = response.headers[name.lowercased()] else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if let seconds = TimeInterval(trimmed) { return max(seconds, 0) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: trimmed).map { max($0.timeIntervalSince(now), 0) }
    }
}

extension Profile.ClassifyRule {
    func matches(_ response: ProviderResponse, document: JSONValue?, text: String) -> Bool {
        if let status, !status.contains(response.status) { return false }
        if let bodyContains, !text.contains(bodyContains) { return false }
        for (path, expected) in json ?? [:] {
            guard let document, let actual = ProfileJSONPath.lookup(path, in: document),
                let actualText = ProfileJSONPath.text(actual)
            else { return false }
            let accepted: [JSONValue] = if case .array(let list) = expected { list } else { [expected] }
            guard accepted.contains(where: { ProfileJSONPath.text($0) == actualText }) else { return false }
        }
        return true
    }
}
