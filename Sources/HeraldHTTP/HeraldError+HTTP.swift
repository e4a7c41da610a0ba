import Foundation
import HTTPTypes
import Hummingbird
import HeraldCore

/// Every error reaches the client as `{"error": {"code", "message", "field"}}`.
extension HeraldError: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.make(ErrorEnvelope(error: .init(code: code, message: message, field: field)), status: status)
    }
}

struct ErrorEnvelope: Encodable {
    struct Body: Encodable {
        var code: String
        var message: String
        var field: String?
    }
    var error: Body
}

