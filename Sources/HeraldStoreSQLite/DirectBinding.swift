import GRDB
import GRDBSQLite

/// One execution's values, bound straight through SQLite's C API in parameter order. GRDB's
/// `StatementArguments` box every value in an existential and convert it again to bind it: in a profile of
/// the engine that was about a third of the single writer's time outside SQLite itself, and binding directly
/// measured +8–13% engine → log.
///
/// What GRDB's own `execute` does around a statement and this does not: notify transaction observers (Herald
/// registers none), check after a failure whether SQLite rolled the transaction back by itself (every caller
/// lets the error end its transaction), and turn an interrupted statement into `CancellationError` (here it
/// stays a `DatabaseError`).
struct DirectBinding {
    private let statement: SQLiteStatement
    /// How many values were bound.
    private(set) var index: CInt = 0
    /// The first bind that failed (SQLITE_RANGE, SQLITE_TOOBIG, SQLITE_NOMEM); later binds are skipped.
    private(set) var failure: CInt = SQLITE_OK

    fileprivate init(_ statement: SQLiteStatement) {
        self.statement = statement
    }

    mutating func add(_ value: Int64) {
        bind { sqlite3_bind_int64($0, $1, value) }
    }

    mutating func add(_ value: Int) {
        add(Int64(value))
    }

    mutating func add(_ value: Int64?) {
        guard let value else { return addNull() }
        add(value)
    }

    mutating func add(_ value: Int?) {
        add(value.map(Int64.init))
    }

    mutating func add(_ value: String?) {
        guard var value else { return addNull() }
        bind { statement, index in
            value.withUTF8 { text in
                // An empty buffer may have no address, and a null pointer would bind NULL instead of ''.
                guard let base = text.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, sqliteTransient) }
                return sqlite3_bind_text(statement, index, base, CInt(text.count), sqliteTransient)
            }
        }
    }

    mutating func addNull() {
        bind { sqlite3_bind_null($0, $1) }
    }

    private mutating func bind(_ body: (SQLiteStatement, CInt) -> CInt) {
        guard failure == SQLITE_OK else { return }
        index += 1
        let code = body(statement, index)
        if code != SQLITE_OK { failure = code }
    }
}

/// SQLite copies the text before the bind returns (`SQLITE_TRANSIENT`).
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// The row a statement stepped to, read straight from SQLite's C API (GRDB's `Row` copies every row and finds
/// columns by name). Valid only inside the `forEachDirect` body it was given to.
struct DirectColumns {
    fileprivate let statement: SQLiteStatement

    func int64(_ index: CInt) -> Int64 { sqlite3_column_int64(statement, index) }

    func int(_ index: CInt) -> Int { Int(int64(index)) }

    func isNull(_ index: CInt) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }

    /// The column as text ('' for NULL, as the non-optional read of a NOT NULL column never meets).
    func string(_ index: CInt) -> String {
        guard let text = sqlite3_column_text(statement, index) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func optionalString(_ index: CInt) -> String? { isNull(index) ? nil : string(index) }
}

extension Statement {
    /// Binds every parameter with `bind` and runs the statement to completion (rows it returns are skipped, as
    /// GRDB's `execute` skips them); the statement is left reset with no values bound, ready for its next row
    /// or for GRDB's `execute(arguments:)`. Throws SQLite's error as GRDB's `DatabaseError`.
    func executeDirect(_ db: Database, bind: (inout DirectBinding) -> Void) throws {
        try forEachDirect(db, bind: bind) { _ in }
    }

    /// Binds with `bind`, then hands each result row to `body`; leaves the statement reset with no values bound.
    /// Binding fewer or more values than the statement has parameters is an error, as in GRDB.
    func forEachDirect(
        _ db: Database, bind: (inout DirectBinding) -> Void = { _ in }, _ body: (DirectColumns) throws -> Void
    ) throws {
        var binding = DirectBinding(sqliteStatement)
        bind(&binding)
        defer {
            sqlite3_reset(sqliteStatement)
            sqlite3_clear_bindings(sqliteStatement)
        }
        guard binding.failure == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: binding.failure), sql: sql)
        }
        guard binding.index == sqlite3_bind_parameter_count(sqliteStatement) else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "\(binding.index) values for \(sqlite3_bind_parameter_count(sqliteStatement)) parameters", sql: sql)
        }
        let columns = DirectColumns(statement: sqliteStatement)
        while true {
            switch sqlite3_step(sqliteStatement) {
            case SQLITE_ROW: try body(columns)
            case SQLITE_DONE: return
            default:
                let connection = db.sqliteConnection
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
                    message: String(cString: sqlite3_errmsg(connection)), sql: sql)
            }
        }
    }
}
