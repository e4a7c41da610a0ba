import AsyncHTTPClient
import NIOCore

extension HTTPClient {
    /// A client for one channel instance, allowed as many HTTP/1 connections per host as the instance has
    /// sends in flight. `HTTPClient.shared` keeps 8, which held a 64-wide instance to a fraction of what the
    /// provider end could take. Otherwise the same settings as `shared`. The caller owns the client and must
    /// `shutdown()` it (drivers given `ownsClient: true` do so in their own `shutdown()`).
    public static func forChannelInstance(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1))
        // No idle-read timer (the shared client's is 90 s): drivers give every request a whole-request
        // deadline of their own, shorter than that, and the per-request timer cost a schedule and a cancel
        // on the event loop for each read.
        configuration.timeout.read = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
