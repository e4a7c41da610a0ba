/// A template scanned once: literals and placeholders already resolved to where their value lives, so
/// rendering per message is slot reads and appends, with no scanning or name parsing.
struct CompiledTemplate: Sendable {
    enum Piece: Sendable {
        case literal(String)
        case field(FieldSlot)
        /// A field name outside `TemplateValues.fieldNames`.
        case otherField(String)
        case option(String)
        case secret(String)
        /// An option or secret that `binding` found unset: the template never renders.
        case unset
    }

    let pieces: [Piece]

    init(_ template: String) {
        var pieces: [Piece] = []
        ProfileTemplate.scan(template) { piece in
            switch piece {
            case .literal(let text): if !text.isEmpty { pieces.append(.literal(String(text))) }
            case .placeholder(let name): pieces.append(Self.resolve(name))
            }
        }
        self.pieces = pieces
    }

    private init(pieces: [Piece]) { self.pieces = pieces }

    /// `text` as it is, braces and all (a number or bool parameter written as text).
    static func literal(_ text: String) -> CompiledTemplate {
        CompiledTemplate(pieces: text.isEmpty ? [] : [.literal(text)])
    }

    /// The same lookup as `TemplateValues.value(for:)`, decided once per placeholder.
    private static func resolve(_ name: String) -> Piece {
        if name.hasPrefix("secret.") { return .secret(String(name.dropFirst(7))) }
        if name.hasPrefix("option.") { return .option(String(name.dropFirst(7))) }
        if name == "from" { return .option("from") }
        return FieldSlot(name: name).map(Piece.field) ?? .otherField(name)
    }

    /// This template with the options and secrets of one channel instance written in as literals
    /// (through `escape`, as `render` would), so a message only fills in its own fields.
    func binding(options: [String: String], secrets: [String: String], escape: ((String) -> String)? = nil)
        -> CompiledTemplate
    {
        var bound: [Piece] = []
        for piece in pieces {
            var text: String
            switch piece {
            case .option(let name):
                guard let value = options[name] else { return CompiledTemplate(pieces: [.unset]) }
                text = escape.map { $0(value) } ?? value
            case .secret(let name):
                guard let value = secrets[name] else { return CompiledTemplate(pieces: [.unset]) }
                text = escape.map { $0(value) } ?? value
            case .literal(let literal): text = literal
            case .unset: return CompiledTemplate(pieces: [.unset])
            case .field, .otherField:
                bound.append(piece)
                continue
            }
            if text.isEmpty { continue }
            // Adjacent literals become one, so a template without fields is one literal.
            if case .literal(let previous) = bound.last {
                text = previous + text
                bound.removeLast()
            }
            bound.append(.literal(text))
        }
        return CompiledTemplate(pieces: bound)
    }

    /// What the template renders to whatever the message: `.some(nil)` when it never renders, nil when
    /// it depends on the message.
    var constant: String?? {
        switch pieces.count {
        case 0: return .some("")
        case 1:
            switch pieces[0] {
            case .literal(let text): return .some(text)
            case .unset: return .some(nil)
            default: return nil
            }
        default: return nil
        }
    }

    /// The message fields this template reads.
    var fieldsRead: FieldSlots {
        var slots: FieldSlots = []
        for case .field(let slot) in pieces { slots.insert(FieldSlots(slot)) }
        return slots
    }

    /// Substitutes every placeholder; nil when one has no value, so the caller leaves that field out.
    func render(_ values: TemplateValues, escape: ((String) -> String)? = nil) -> String? {
        if pieces.count == 1 {
            // A template that is one value is that value: no new string.
            if case .literal(let text) = pieces[0] { return text }
            return value(of: pieces[0], in: values).map { escape?($0) ?? $0 }
        }
        var output = ""
        for piece in pieces {
            if case .literal(let text) = piece {
                output += text
                continue
            }
            guard let value = value(of: piece, in: values) else { return nil }
            output += escape?(value) ?? value
        }
        return output
    }

    private func value(of piece: Piece, in values: TemplateValues) -> String? {
        switch piece {
        case .literal(let text): text
        case .field(let slot): values.known[slot]
        case .otherField(let name): values.otherFields[name]
        case .option(let name): values.options[name]
        case .secret(let name): values.secrets[name]
        case .unset: nil
        }
    }
}
