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
    /// Ids are text (contacts, addresses, digests) or integers (deliveries, jobs), bound without boxing.
    private enum Values {
        case texts([String])
        case integers([Int64])
    }

    let sql: String
    let isCached: Bool
    private let values: Values

    init(_ texts: some Collection<String>) {
        let padded = Self.padded(texts)
        self.init(count: padded.count, values: .texts(padded))
    }

    init(_ integers: some Collection<Int64>) {
        let padded = Self.padded(integers)
        self.init(count: padded.count, values: .integers(padded))
    }

    private init(count: Int, values: Values) {
        sql = placeholders(count)
        isCached = count <= Self.cachedUpTo
        self.values = values
    }

    func bind(to binding: inout DirectBinding) {
        switch values {
        case .texts(let texts): for text in texts { binding.add(text) }
        case .integers(let integers): for integer in integers { binding.add(integer) }
        }
    }

    private static func padded<Value>(_ values: some Collection<Value>) -> [Value] {
        var padded = Array(values)
        if padded.count <= cachedUpTo, let last = padded.last {
            var size = 1
            while size < padded.count { size *= 2 }
            padded += Array(repeating: last, count: size - padded.count)
        }
        return padded
    }
}

extension Database {
    /// The statement for a query over `list`: from the cache for a short list, compiled once for a long one.
    func statement(sql: String, for list: InList) throws -> Statement {
        list.isCached ? try cachedStatement(sql: sql) : try makeStatement(sql: sql)
    }
}
