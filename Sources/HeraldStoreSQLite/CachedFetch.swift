import GRDB

/// Hot-path reads through the connection's statement cache. Compiling a statement costs more than running
/// it here: GRDB's authorizer hears every column the statement reads (11% of intake's CPU before).
extension Row {
    static func fetchAll(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments())
        throws -> [Row]
    {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOne(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments())
        throws -> Row?
    {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension DatabaseValueConvertible {
    static func fetchAll(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments())
        throws -> [Self]
    {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOne(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments())
        throws -> Self?
    {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

/// The `?` list and arguments of an `IN (…)` clause, its length rounded up to a power of two by repeating the
/// last value, so that a query over 1 to 900 ids has ten shapes the statement cache keeps, not 900.
struct InList {
    let sql: String
    let arguments: [any DatabaseValueConvertible]

    init<Value: DatabaseValueConvertible>(_ values: some Collection<Value>) {
        var padded: [any DatabaseValueConvertible] = Array(values)
        var size = 1
        while size < padded.count { size *= 2 }
        if let last = padded.last { padded += Array(repeating: last, count: size - padded.count) }
        sql = placeholders(padded.count)
        arguments = padded
    }

    var statementArguments: StatementArguments { StatementArguments(arguments.map { $0.databaseValue }) }
}
