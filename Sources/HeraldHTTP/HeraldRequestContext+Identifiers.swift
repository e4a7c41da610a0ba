import Hummingbird
import HeraldCore

extension HeraldRequestContext {
    /// A path parameter that names an identifier, checked as the same id in a body would be.
    func identifier(_ name: String, field: String) throws(HeraldError) -> String {
        guard let raw = parameters.get(name) else { throw .invalid(field, "is required", code: "missing_field") }
        try Identifier.validate(raw, field: field)
        return raw
    }
}
