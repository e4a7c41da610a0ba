import GRDB

/// Hot paths read through the connection's statement cache (`db.cachedStatement(sql:)`): compiling a
/// statement costs more than running it here, since GRDB's authorizer hears every column it reads (11% of
/// intake's CPU before).
///
/// The `?` list and arguments of an `IN (…)` clause, at most `maxCount` values: `chunks(of:)` splits a longer
/// list, so no caller can make an oversized one. Every list is padded to a power of two by repeating its last value, so each
/// query has nine shapes, all kept by the statement cache. Compiling a claim's and a fan-out batch's lists of
/// 900 values per call took 8% of fan-out's CPU; far longer cached lists would hold megabytes per connection.
struct InList {
    static let maxCount = 256
    /// Ids are text (contacts, addresses, digests) or integers (deliveries, jobs), bound without boxing.
    private enum Values {
        case texts([String])
        case integers([Int64])
    }

    let sql: String
    private let values: Values

    /// `texts` as lists of at most `maxCount` values each; none when `texts` is empty.
    static func chunks(of texts: some Collection<String>) -> [InList] {
        Array(texts).chunked(maxCount).map { chunk in
            let padded = padded(chunk)
            return InList(count: padded.count, values: .texts(padded))
        }
    }

    /// `integers` as lists of at most `maxCount` values each; none when `integers` is empty.
    static func chunks(of integers: some Collection<Int64>) -> [InList] {
        Array(integers).chunked(maxCount).map { chunk in
            let padded = padded(chunk)
            return InList(count: padded.count, values: .integers(padded))
        }
    }

    private init(count: Int, values: Values) {
        sql = Self.placeholderLists[count.trailingZeroBitCount]
        self.values = values
    }

    /// `?,?,…` for each padded size, built once: joining up to 256 strings per list showed in fan-out's profile.
    private static let placeholderLists: [String] = {
        precondition(maxCount.nonzeroBitCount == 1, "lists are padded to powers of two up to maxCount")
        return (0...maxCount.trailingZeroBitCount).map { placeholders(1 << $0) }
    }()

    func bind(to binding: inout DirectBinding) {
        switch values {
        case .texts(let texts): for text in texts { binding.add(text) }
        case .integers(let integers): for integer in integers { binding.add(integer) }
        }
    }

    private static func padded<Value>(_ values: some Collection<Value>) -> [Value] {
        var padded = Array(values)
        if let last = padded.last {
            var size = 1
            while size < padded.count { size *= 2 }
            padded += Array(repeating: last, count: size - padded.count)
        }
        return padded
    }
}
