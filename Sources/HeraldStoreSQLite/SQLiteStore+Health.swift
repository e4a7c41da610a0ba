import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: StoreHealth {
    /// `SELECT 1` on a pooled reader: fails when the file has become unreadable or the pool is closed.
    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
