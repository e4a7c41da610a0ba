import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore: StoreHealth {
    /// `SELECT 1` through the pool; an unreachable server surfaces as `store_unavailable`.
    public func ping() async throws {
        _ = try await rows("SELECT 1")
    }
}
