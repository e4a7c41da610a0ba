import Foundation
import HeraldCore

extension RequestPlan {
    /// Renders the request for one message (or one check). Fields whose template uses an unset optional
    /// value are left out; a path that does, or an auth secret that is missing, throws `HeraldError`.
    /// Binds the plan to `values`' options and secrets on every call: drivers keep a bound plan instead.
    public func prepare(baseURL: String, values: TemplateValues) throws -> PreparedRequest {
        try BoundRequestPlan(self, baseURL: baseURL, options: values.options, secrets: values.secrets).prepare(values)
    }

    /// A header value must not end the header line: a contact attribute carrying CR or LF could add
    /// headers of its own. Filtered by scalar, because "\r\n" is one `Character` and a character filter misses it.
    static func singleLine(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
    }
}
