import GRDB

/// Multi-row inserts and `IN` deletes for the hot paths: one statement per run of rows instead of one per row.
/// Runs have power-of-two sizes (at most `maxRowsPerStatement`), so a handful of cached statements serve
/// every batch size and the connection's statement cache stays small.
enum RowRuns {
    /// SQLite's default limit is 32766 bound parameters; 256 rows of up to 10 columns stay well below it.
    static let maxRowsPerStatement = 256

    /// Consecutive ranges covering `0..<count`, each of a power-of-two length.
    static func ranges(_ count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var size = maxRowsPerStatement
        while start < count {
            while size > count - start { size /= 2 }
            ranges.append(start..<start + size)
            start += size
        }
        return ranges
    }

    /// `(?,?,?),(?,?,?)` for `rows` rows of `columns` columns.
    static func values(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        return Array(repeating: row, count: rows).joined(separator: ",")
    }
}

/// Rows bound for multi-row statements, one set of arguments per run. Built inside a transaction by
/// `runBatched`, or before one where binding is work the single writer need not wait for (`DeliveryRows`).
struct BoundRuns: Sendable {
    let columns: Int
    let runs: [(count: Int, arguments: StatementArguments)]

    init<Element>(_ rows: [Element], columns: Int, bind: (Element, inout [(any DatabaseValueConvertible)?]) -> Void) {
        self.columns = columns
        runs = RowRuns.ranges(rows.count).map { range in
            var arguments: [(any DatabaseValueConvertible)?] = []
            arguments.reserveCapacity(range.count * columns)
            for index in range { bind(rows[index], &arguments) }
            return (range.count, StatementArguments(arguments))
        }
    }

    /// Runs `sql(values)` once per run, where `values` is the run's `(?,…),(?,…)` list.
    func execute(_ db: Database, sql: (String) -> String) throws {
        for run in runs {
            try db.cachedStatement(sql: sql(RowRuns.values(rows: run.count, columns: columns)))
                .execute(arguments: run.arguments)
        }
    }
}

extension Database {
    /// Runs `sql(values)` once per run of `rows`, where `values` is the run's `(?,…),(?,…)` list and each row
    /// binds `columns` values with `bind`.
    func runBatched<Element>(
        _ rows: [Element], columns: Int, sql: (String) -> String,
        bind: (Element, inout [(any DatabaseValueConvertible)?]) -> Void
    ) throws {
        try BoundRuns(rows, columns: columns, bind: bind).execute(self, sql: sql)
    }
}
