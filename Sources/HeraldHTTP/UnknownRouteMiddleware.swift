import HTTPTypes
import Hummingbird
import HeraldCore
import NIOCore
import Synchronization

/// What the router registered, kept so a request no route answers can be told why: an unknown path is a
/// 404 and a known path with another method a 405 with `Allow`, both in the usual error envelope.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: HTTPRequest.Method, template: [Substring])]>([])

    func set(_ registered: [(method: HTTPRequest.Method, path: String)]) {
        let parsed = registered.map { (method: $0.method, template: $0.path.split(separator: "/")) }
        routes.withLock { $0 = parsed }
    }

    /// The methods registered for a path, in the order HTTP lists them.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        let found = routes.withLock { routes in
            routes.filter { Self.matches($0.template, segments) }.map(\.method)
        }
        return [.get, .head, .post, .put, .patch, .delete, .options].filter(found.contains)
    }

    private static func matches(_ template: [Substring], _ segments: [Substring]) -> Bool {
        guard template.count == segments.count else { return false }
        return zip(template, segments).allSatisfy { part, segment in
            part.hasPrefix("{") || part.hasPrefix(":") || part == "*" || part == segment
        }
    }
}

struct UnknownRouteMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let table: RouteTable

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = table.methods(for: request.uri.path)
            guard !allowed.isEmpty else { throw HeraldError(code: "not_found", message: "no such route", statusCode: 404) }
            throw MethodNotAllowed(allowed: allowed)
        }
    }
}

/// 405 with the `Allow` header and the error envelope.
struct MethodNotAllowed: HTTPResponseError {
    var allowed: [HTTPRequest.Method]
    var status: HTTPResponse.Status { .methodNotAllowed }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        let error = HeraldError(code: "method_not_allowed", message: "this path answers \(allow)", statusCode: 405)
        var response = try error.response(from: request, context: context)
        response.headers[.allow] = allow
        return response
    }
}
