import GRDB

extension Database {
    /// Runs `body` in a savepoint of the current transaction: on error its writes are undone and the error is
    /// rethrown, and the rest of the transaction stands. GRDB's `inSavepoint` parses its statements on every
    /// call, which group commit would pay once per job; these are prepared once. Outside a transaction it is an
    /// error (a savepoint there would open and commit one of its own): inside `write`, GRDB already refuses
    /// every statement once SQLite rolled the transaction back (a full disk, say), but a caller without one
    /// would get no such help.
    func inJobSavepoint<T>(_ body: () throws -> T) throws -> T {
        guard isInsideTransaction else { throw DatabaseError(resultCode: .SQLITE_ABORT, message: "not inside a transaction") }
        try cachedStatement(sql: "SAVEPOINT job").execute()
        do {
            let value = try body()
            try cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            return value
        } catch {
            // Released only once rolled back: a failed job's writes must never join the group's commit.
            do {
                try cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT job").execute()
                try cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            } catch {}
            throw error
        }
    }
}
