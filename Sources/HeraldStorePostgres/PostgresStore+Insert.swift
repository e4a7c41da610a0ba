import Logging
import PostgresNIO

/// One column of a multi-row INSERT: its name and the SQL type each bound value is cast to (so a NULL
/// bound without a type still lands in the right column type).
struct InsertColumn {
    var name: String
    var type: String

    init(_ name: String, _ type: String) {
        self.name = name
        self.type = type
    }
}

extension PostgresConnection {
    /// `INSERT INTO table (…) VALUES (…), (…) suffix` in as few statements as the bind limit (65,535
    /// parameters) allows: a batch is one round trip, not one per row.
    func insertRows<Row>(
        into table: String, columns: [InsertColumn], rows: [Row], suffix: String = "", logger: Logger,
        bind: (Row, inout PostgresBindings) throws -> Void
    ) async throws {
        guard !rows.isEmpty else { return }
        let rowsPerStatement = max(1, 30_000 / columns.count)
        let columnList = columns.map(\.name).joined(separator: ", ")
        var start = 0
        while start < rows.count {
            let end = min(start + rowsPerStatement, rows.count)
            var bindings = PostgresBindings(capacity: (end - start) * columns.count)
            var tuples: [String] = []
            tuples.reserveCapacity(end - start)
            for (offset, row) in rows[start..<end].enumerated() {
                try bind(row, &bindings)
                let base = offset * columns.count
                let values = columns.enumerated().map { index, column in "$\(base + index + 1)::\(column.type)" }
                tuples.append("(" + values.joined(separator: ", ") + ")")
            }
            let sql = "INSERT INTO \(table) (\(columnList)) VALUES \(tuples.joined(separator: ", ")) \(suffix)"
            try await self.rows(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            start = end
        }
    }
}
