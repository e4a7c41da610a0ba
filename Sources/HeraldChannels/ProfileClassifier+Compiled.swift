import Foundation
import HeraldCore

/// A profile's response rules prepared once: JSON paths split into segments, expected values turned
/// into text, header names lower-cased, the message-id template scanned. The body is parsed only when a
/// rule, the message id or a Retry-After path reads it.
struct CompiledClassifier: Sendable {
    struct Rule: Sendable {
        let status: StatusSet?
        let bodyContains: String?
        /// Path segments → the accepted values as text; every path must match.
        let json: [(path: [String], accepted: [String])]
        let outcome: AttemptOutcome
        let retryAfter: Source?
        let reason: String?
    }

    /// Where a value is read from: a lower-cased response header or JSON path segments.
    struct Source: Sendable {
        let header: String?
        let path: [String]?

        init(_ source: Profile.ValueSource) {
            header = source.header?.lowercased()
            path = source.path.map(ProfileJSONPath.segments)
        }
    }

    enum MessageId: Sendable {
        case none
        case path([String])
        /// A regex whose first group is the id, else a template.
        case text(regex: Regex?, value: CompiledTemplate?)
    }

    /// `NSRegularExpression` is immutable and documented as safe to use from several threads.
    struct Regex: @unchecked Sendable {
        let expression: NSRegularExpression
    }

    let rules: [Rule]
    let otherwise: AttemptOutcome?
    let messageId: MessageId
    /// Only `body_contains` rules and regex message ids read the body as text.
    let needsText: Bool
    static let defaultRetryAfter = Source(Profile.ValueSource(header: "Retry-After", path: nil))

    init(_ profile: Profile) {
        let response = profile.response
        rules = response.classify.map { rule in
            Rule(
                status: rule.status, bodyContains: rule.bodyContains,
                json: (rule.json ?? [:]).map { path, expected in
                    let accepted: [JSONValue] = if case .array(let list) = expected { list } else { [expected] }
                    return (ProfileJSONPath.segments(path), accepted.compactMap(ProfileJSONPath.text))
                },
                outcome: rule.outcome, retryAfter: rule.retryAfter.map(Source.init), reason: rule.reason)
        }
        otherwise = response.otherwise
        if let spec = response.messageId {
            if let path = spec.path {
                messageId = .path(ProfileJSONPath.segments(path))
            } else {
                // A pattern that does not compile never matched: the template (if any) decides.
                let regex = spec.regex.flatMap { try? NSRegularExpression(pattern: $0) }.map(Regex.init)
                messageId = .text(regex: regex, value: spec.value.map(CompiledTemplate.init))
            }
        } else {
            messageId = .none
        }
        needsText = response.messageId?.regex != nil || response.classify.contains { $0.bodyContains != nil }
    }

    /// The message fields the message-id template reads.
    var fieldsRead: FieldSlots {
        if case .text(_, let value?) = messageId { value.fieldsRead } else { [] }
    }

    /// Pure: status, headers and body → outcome, provider message id and retry-after. `now` is only
    /// read to turn an HTTP-date Retry-After into seconds.
    func classify(_ response: ProviderResponse, values: TemplateValues, now: () -> Date) -> SendResult {
        var json = LazyDocument(body: response.body)
        let text = needsText ? String(decoding: response.body, as: UTF8.self) : ""
        let rule = rules.first { $0.matches(response, document: &json, text: text) }
        let outcome = rule?.outcome ?? otherwise ?? Profile.fallbackOutcome(status: response.status)
        var result = SendResult(outcome: outcome)
        if outcome == .sent {
            result.providerMessageId = providerMessageId(document: &json, text: text, values: values)
        } else {
            result.error = "HTTP \(response.status)" + (rule?.reason.map { ": \($0)" } ?? "")
        }
        if outcome == .retry {
            let source = rule?.retryAfter ?? Self.defaultRetryAfter
            result.retryAfter = Self.retryAfter(source, response: response, document: &json, now: now)
        }
        return result
    }

    private func providerMessageId(document: inout LazyDocument, text: String, values: TemplateValues) -> String? {
        switch messageId {
        case .none: return nil
        case .path(let path):
            return document.value.flatMap { ProfileJSONPath.lookup(path, in: $0) }.flatMap(ProfileJSONPath.text)
        case .text(let regex, let value):
            if let regex = regex?.expression,
                let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                match.numberOfRanges > 1,
                let range = Range(match.range(at: 1), in: text)
            {
                return String(text[range])
            }
            return value?.render(values)
        }
    }

    private static func retryAfter(_ source: Source, response: ProviderResponse, document: inout LazyDocument, now: () -> Date)
        -> TimeInterval?
    {
        if let path = source.path, let json = document.value, let value = ProfileJSONPath.lookup(path, in: json),
            let seconds = ProfileJSONPath.text(value).flatMap(TimeInterval.init)
        {
            return max(seconds, 0)
        }
        guard let name = source.header, let raw = response.headers[name] else { return nil }
        return Profile.retryAfterSeconds(raw, now: now)
    }
}

/// The response body as JSON, parsed the first time something reads it (nil for an empty or non-JSON body).
struct LazyDocument {
    let body: [UInt8]
    private var parsed: JSONValue??

    init(body: [UInt8]) { self.body = body }

    var value: JSONValue? {
        mutating get {
            if let parsed { return parsed }
            let document = ProfileJSONPath.parse(body)
            parsed = .some(document)
            return document
        }
    }
}

extension CompiledClassifier.Rule {
    func matches(_ response: ProviderResponse, document: inout LazyDocument, text: String) -> Bool {
        if let status, !status.contains(response.status) { return false }
        if let bodyContains, !text.contains(bodyContains) { return false }
        for (path, accepted) in json {
            guard let document = document.value, let actual = ProfileJSONPath.lookup(path, in: document),
                let actualText = ProfileJSONPath.text(actual)
            else { return false }
            guard accepted.contains(actualText) else { return false }
        }
        return true
    }
}
