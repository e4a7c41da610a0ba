import Foundation
import HTTPTypes
import Hummingbird
import HeraldCore
import NIOCore

enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        make(json: try HeraldJSON.encoder().encode(value), status: status)
    }

    /// JSON already written, e.g. by a hot route that writes its own bytes.
    static func make(json bytes: some Sequence<UInt8>, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Request {
    /// Reads the whole body (bounded by the context's upload limit) and decodes it with Herald's decoder.
    /// `plain` may read the common shape of a body faster; where it returns nil the decoder reads it.
    func decodeJSON<T: Decodable>(
        _ type: T.Type, context: HeraldRequestContext, fieldPrefix: String = "", plain: (Data) -> T? = { _ in nil }
    ) async throws -> T {
        let data = try await bodyData(context: context)
        do {
            try JSONIntake.check(data, prefix: fieldPrefix)
            if let value = plain(data) { return value }
            return try HeraldJSON.decoder().decode(T.self, from: data)
        } catch {
            throw DecodingErrors.heraldError(error, prefix: fieldPrefix)
        }
    }

    /// Reads the whole body, refusing it with 413 once it passes `limit` (default: the context's ceiling).
    func bodyData(context: HeraldRequestContext, limit: Int? = nil) async throws -> Data {
        let limit = limit ?? context.maxUploadSize
        do {
            let buffer = try await body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw BodyLimits.tooLarge(limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw BodyLimits.tooLarge(limit)
        } catch {
            // The client stopped sending before the length it announced: not too large, just incomplete.
            throw HeraldError(code: "incomplete_body", message: "the body ended before its announced length")
        }
    }
}
