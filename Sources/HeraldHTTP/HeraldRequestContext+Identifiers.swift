import Foundation
import Hummingbird
import HeraldCore

extension HeraldRequestContext {
    /// A path parameter that names an identifier: percent-decoded (the router matches the raw path, so
    /// `a%20b` arrives encoded), then checked as the same id in a body would be.
    func identifier(_ name: String, field: String) throws(HeraldError) -> String {
        guard let raw = parameters.get(name) else { throw .invalid(field, "is required", code: "missing_field") }
        guard let decoded = raw.removingPercentEncoding else {
            throw .invalid(field, "is not valid percent-encoded UTF-8")
        }
        try Identifier.validate(decoded, field: field)
        return decoded
    }
}
