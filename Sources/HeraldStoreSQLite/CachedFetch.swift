import GRDB

/// Hot paths read through the connection's statement cache (`db.cachedStatement(sql:)`): compiling a
/// statement costs more than running it here, since GRDB's authorizer hears every column it reads (11% of
/// intake's CPU before).
///
/// The `?` list and arguments of an `IN (…)` clause. A short list (a one-contact job's) is padded to a power
/// of two by repeating its last value, so its query has seven shapes the statement cache keeps; a long one
/// (a claim's 500 contacts) is compiled for the call: that cost is spread over its rows, and cached
/// statements with hundreds of parameters held megabytes on every connection.
struct InList {
    static let cachedUpTo = 64
    let sql: String
    let arguments: [any DatabaseValueConvertible]
    var isCached: Bool { arguments.count <= Self.cachedUpTo }

    init<Value: DatabaseValueConvertible>(_ values: some Collection<Value>) {
        var padded: [any DatabaseValueConvertible] = Array(values)
        if padded.count <= Self.cachedUpTo, let last = padded.last {
            var size = 1
            while size < padded.count { size *= 2 }
            padded += Array(repeating: last, count: size - padded.count)
        }
        sql = placeholders(padded.count)
        arguments = padded
    }

    var statementArguments: StatementArguments { StatementArguments(arguments.map { $0.databaseValue }) }

    func bind(to values: inout DirectBinding) {
        for argument in arguments { values.add(argument.databaseValue) }
    }
}

extension Database {
    /// The statement for a query over `list`: from the cache for a short list, compiled once for a long one.
    func statement(sql: String, for list: InList) throws -> Statement {
        list.isCached ? try cachedStatement(sql: sql) : try makeStatement(sql: sql)
    }
}
