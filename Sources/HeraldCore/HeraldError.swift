/// Errors that reach callers: a stable code for clients and metric labels, a message that never
/// carries bodies, secrets or full addresses, and the offending field where there is one.
public struct HeraldError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var field: String?
    public var statusCode: Int

    public init(code: String, message: String, field: String? = nil, statusCode: Int = 400) {
        self.code = code
        self.message = message
        self.field = field
        self.statusCode = statusCode
    }

    public var description: String { "\(code): \(message)" + (field.map { " (field \($0))" } ?? "") }

    public static func invalid(_ field: String, _ message: String, code: String = "invalid_field") -> HeraldError {
        HeraldError(code: code, message: message, field: field)
    }

    public static func notFound(_ what: String) -> HeraldError {
        HeraldError(code: "not_found", message: "\(what) not found", statusCode: 404)
    }
}
