import Foundation
import HTTPTypes
import Hummingbird
import HeraldCore
import NIOCore

enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try HeraldJSON.encoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Request {
    /// Reads the whole body (bounded by the context's upload limit) and decodes it with Herald's decoder.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: HeraldRequestContext, fieldPrefix: String = "") async throws -> T {
        let data = try await bodyData(context: context)
        do {
            try JSONIntake.check(data, prefix: fieldPrefix)
            return try HeraldJSON.decoder().decode(T.self, from: data)
        } catch {
            throw DecodingErrors.heraldError(error, prefix: fieldPrefix)
        }
    }

    func bodyData(context: HeraldRequestContext) async throws -> Data {
        do {
            let buffer = try await body.collect(upTo: context.maxUploadSize)
            return Data(buffer.readableBytesView)
        } catch {
            throw HeraldError(
                code: "payload_too_large", message: "the body is larger than \(context.maxUploadSize) bytes",
                statusCode: 413)
        }
    }
}
