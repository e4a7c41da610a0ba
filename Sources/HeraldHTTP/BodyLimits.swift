import Hummingbird
import HeraldCore

/// The most a route reads. Public routes get small limits, since nobody has authenticated yet; batch
/// imports keep the context's ceiling (`HeraldRequestContext.maxUploadSize`).
enum BodyLimits {
    /// Provider callbacks: receipts, replies, bounce reports.
    static let inbound = 1 << 20
    /// The dashboard's sign-in form: one key.
    static let login = 4 << 10
    /// RFC 8058 one-click unsubscribe posts `List-Unsubscribe=One-Click`.
    static let unsubscribe = 4 << 10
    /// The preference page's form: the token and one short value per ticked choice.
    static let preferences = 64 << 10

    /// The limit for a path; nil means the context's ceiling.
    static func limit(forPath path: String) -> Int? {
        if path.hasPrefix("/v1/inbound/") { return inbound }
        if path == "/ui/login" { return login }
        if path.hasPrefix("/u/") { return unsubscribe }
        if path.hasPrefix("/p/") { return preferences }
        return nil
    }

    static func tooLarge(_ limit: Int) -> HeraldError {
        HeraldError(code: "payload_too_large", message: "the body is larger than \(limit) bytes", statusCode: 413)
    }
}

/// Refuses a body whose declared length is over its route's limit before anything reads it. Bodies without
/// a length (chunked) are bounded where the handler reads them.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let limit = BodyLimits.limit(forPath: request.uri.path) ?? context.maxUploadSize
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw BodyLimits.tooLarge(limit)
        }
        return try await next(request, context)
    }
}
