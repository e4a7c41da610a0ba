import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP

/// Routes provider callbacks to the profile of the channel they name. A channel accepts callbacks only
/// when it has an inbound secret, sent as `?secret=` or the `X-Herald-Secret` header.
struct InboundRouter: InboundHandling {
    struct Endpoint: Sendable {
        var parser: ReceiptParser
        var secret: String
    }

    let endpoints: [String: Endpoint]

    init(loaded: LoadedConfig) throws {
        var endpoints: [String: Endpoint] = [:]
        for config in loaded.config.channels ?? [] where config.driver == "http" {
            let options = config.options ?? [:]
            guard let profileId = config.profile,
                let secret = try Secrets.optional(
                    "inbound_secret", in: options, field: "channels.\(config.id).options.inbound_secret")
            else { continue }
            let profile = try ChannelFactory.profileCatalog(loaded).profile(profileId)
            endpoints[config.id] = Endpoint(parser: ReceiptParser(profile: profile), secret: secret)
        }
        self.endpoints = endpoints
    }

    func parse(channelId: String, headers: [String: String], query: String?, body: Data) async throws -> [InboundAction] {
        guard let endpoint = endpoints[channelId] else { throw HeraldError.notFound("inbound channel") }
        let given = headers["x-herald-secret"] ?? Self.queryValue("secret", in: query)
        guard let given, Self.constantTimeEquals(given, endpoint.secret) else {
            throw HeraldError(code: "forbidden", message: "inbound secret missing or wrong", statusCode: 403)
        }
        let request = InboundRequest(contentType: headers["content-type"], body: Array(body), query: query)
        switch try endpoint.parser.parse(request) {
        case .receipt(let id, let state): return [.receipt(providerMessageId: id, state: state)]
        case .inboundText(let from, let text): return [.reply(from: from, text: text)]
        case .ignored: return [.ignored]
        }
    }

    static func queryValue(_ name: String, in query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first == Substring(name), parts.count == 2 { return String(parts[1]).removingPercentEncoding }
        }
        return nil
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
