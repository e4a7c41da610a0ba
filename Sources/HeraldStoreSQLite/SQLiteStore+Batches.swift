import GRDB

/// Multi-row inserts and `IN` deletes for the hot paths: one statement per run of rows instead of one per row.
/// Runs have power-of-two sizes (at most `maxRowsPerStatement`), so a handful of cached statements serve
/// every batch size and the connection's statement cache stays small.
enum RowRuns {
    /// SQLite's default limit is 32766 bound parameters; 256 rows of up to 16 columns stay well below it.
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

extension Database {
    /// Runs `sql(values)` once per run of `rows`, where `values` is the run's `(?,…),(?,…)` list and each row
    /// binds `columns` values with `bind`, straight into SQLite (`DirectBinding`).
    func runBatched<Element>(
        _ rows: [Element], columns: Int, sql: (String) -> String, bind: (Element, inout DirectBinding) -> Void
    ) throws {
        for range in RowRuns.ranges(rows.count) {
            try cachedStatement(sql: sql(RowRuns.values(rows: range.count, columns: columns))).executeDirect(self) {
                values in
                for index in range { bind(rows[index], &values) }
            }
        }
    }
}
