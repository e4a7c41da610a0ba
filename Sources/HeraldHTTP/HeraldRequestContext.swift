import Hummingbird
import NIOCore
import HeraldCore

public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the API key middleware; nil on public routes.
    public var role: Role?
    /// The first characters of the caller's key hash: who did it, for the access audit.
    public var keyHashPrefix: String?
    /// The peer's IP address, for consent evidence (the proxy's, behind one).
    public let remoteAddress: String?
    /// The connection, for a route that tunes its socket (the live tail's send buffer).
    let channel: any Channel
    /// The key presented is known but past its expiry: refused with `key_expired`, not `unauthenticated`.
    public var keyExpired = false

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
        channel = source.channel
    }

    /// Request bodies beyond this are refused with 413 before they are read whole.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }

    /// Throws 403 unless the caller's key carries one of `roles` (admin carries all).
    public func require(_ roles: Role...) throws(HeraldError) {
        guard let role else {
            if keyExpired { throw HeraldError.keyExpired }
            throw HeraldError(code: "unauthenticated", message: "missing or unknown API key", statusCode: 401)
        }
        guard roles.contains(where: role.permits) else {
            throw HeraldError(
                code: "forbidden",
                message: "this endpoint needs a key with role \(roles.map(\.rawValue).joined(separator: " or "))",
                statusCode: 403)
        }
    }
}
