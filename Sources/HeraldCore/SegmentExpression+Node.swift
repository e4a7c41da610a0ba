/// The parsed form of a segment: built once per job, evaluated once per contact.
indirect enum SegmentNode: Sendable {
    enum Field: Sendable {
        case id, timezone, locale
        /// `attributes` followed by its keys, already split (empty: the whole attributes object).
        case attributes([String])
    }

    enum Comparison: String, Sendable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    case constant(JSONValue)
    case field(Field, trailing: [String])
    /// A list literal with at least one non-constant element; constant lists fold into `.constant`.
    case list([SegmentNode])
    case compare(Comparison, SegmentNode, SegmentNode)
    case membership(SegmentNode, in: SegmentNode, negated: Bool)
    /// `x in [constants…]`, looked up in a set so long id lists stay cheap per contact.
    case memberOfSet(SegmentNode, Set<JSONValue>, negated: Bool)
    /// `and` / `or` chains are flat so a long chain never recurses deeply.
    case all([SegmentNode])
    case any([SegmentNode])
    case not(SegmentNode)
}

extension SegmentNode {
    /// Only the boolean `true` is true: a missing attribute, a string or a number is not.
    func isTrue(for contact: Contact) -> Bool {
        switch self {
        case .all(let terms): return terms.allSatisfy { $0.isTrue(for: contact) }
        case .any(let terms): return terms.contains { $0.isTrue(for: contact) }
        case .not(let term): return !term.isTrue(for: contact)
        case .compare(let op, let lhs, let rhs):
            return Self.compare(op, lhs.value(for: contact), rhs.value(for: contact))
        case .membership(let needle, let haystack, let negated):
            return Self.contains(haystack.value(for: contact), needle.value(for: contact)) != negated
        case .memberOfSet(let needle, let set, let negated):
            return set.contains(needle.value(for: contact)) != negated
        case .constant, .field, .list:
            return value(for: contact) == .bool(true)
        }
    }

    func value(for contact: Contact) -> JSONValue {
        switch self {
        case .constant(let value): return value
        case .field(let field, let trailing): return Self.resolve(field, trailing, in: contact)
        case .list(let elements): return .array(elements.map { $0.value(for: contact) })
        case .compare, .membership, .memberOfSet, .all, .any, .not: return .bool(isTrue(for: contact))
        }
    }

    /// Reads the same values `Contact.templateContext` exposes, without building that object per contact.
    private static func resolve(_ field: Field, _ trailing: [String], in contact: Contact) -> JSONValue {
        guard case .attributes(let keys) = field else {
            guard trailing.isEmpty else { return .null }
            switch field {
            case .id: return .string(contact.id)
            case .timezone: return contact.timezone.map(JSONValue.string) ?? .null
            case .locale: return contact.locale.map(JSONValue.string) ?? .null
            case .attributes: return .null
            }
        }
        guard let first = keys.first else { return .object(contact.attributes) }
        guard var current = contact.attributes[first] else { return .null }
        for key in keys.dropFirst() {
            guard let next = current[key] else { return .null }
            current = next
        }
        return current
    }

    /// Equality is exact; ordering only between two numbers or two strings. Anything else is false.
    private static func compare(_ op: Comparison, _ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch op {
        case .equal: return lhs == rhs
        case .notEqual: return lhs != rhs
        default: break
        }
        if let a = lhs.doubleValue, let b = rhs.doubleValue { return ordered(op, a, b) }
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return ordered(op, a, b)
        default: return false
        }
    }

    private static func ordered<T: Comparable>(_ op: Comparison, _ a: T, _ b: T) -> Bool {
        switch op {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        case .equal, .notEqual: false
        }
    }

    /// `in`: an element of a list, a substring of a string, or a key of an object.
    private static func contains(_ haystack: JSONValue, _ needle: JSONValue) -> Bool {
        switch (haystack, needle) {
        case (.array(let elements), _): elements.contains(needle)
        case (.string(let text), .string(let part)): part.isEmpty || text.contains(part)
        case (.object(let members), .string(let key)): members[key] != nil
        default: false
        }
    }
}
