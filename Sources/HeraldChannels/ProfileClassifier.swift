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
    /// `now` is only used to turn an HTTP-date Retry-After into seconds. Prepares the rules on every
    /// call: drivers keep a `CompiledClassifier` instead.
    public func classify(_ response: ProviderResponse, values: TemplateValues, now: Date) -> SendResult {
        CompiledClassifier(self).classify(response, values: values, now: { now })
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

    /// A Retry-After header value in seconds: a number, or an HTTP date counted from `now`.
    static func retryAfterSeconds(_ raw: String, now: () -> Date) -> TimeInterval? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if let seconds = TimeInterval(trimmed) { return max(seconds, 0) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: trimmed).map { max($0.timeIntervalSince(now()), 0) }
    }
}
