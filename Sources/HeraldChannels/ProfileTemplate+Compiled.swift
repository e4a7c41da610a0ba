import HeraldCore

/// A template scanned once: literals and placeholders already resolved to where their value lives, so
/// rendering per message is lookups and appends, with no scanning or name parsing.
struct CompiledTemplate: Sendable {
    enum Piece: Sendable {
        case literal(String)
        case field(String)
        case option(String)
        case secret(String)
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

    /// The same lookup as `TemplateValues.value(for:)`, decided once per placeholder.
    private static func resolve(_ name: String) -> Piece {
        if name.hasPrefix("secret.") { return .secret(String(name.dropFirst(7))) }
        if name.hasPrefix("option.") { return .option(String(name.dropFirst(7))) }
        if name == "from" { return .option("from") }
        return .field(name)
    }

    /// Substitutes every placeholder; nil when one has no value, so the caller leaves that field out.
    func render(_ values: TemplateValues, escape: ((String) -> String)? = nil) -> String? {
        if pieces.count == 1, case .literal(let text) = pieces[0] { return text }
        var output = ""
        for piece in pieces {
            let value: String?
            switch piece {
            case .literal(let text):
                output += text
                continue
            case .field(let name): value = values.fields[name]
            case .option(let name): value = values.options[name]
            case .secret(let name): value = values.secrets[name]
            }
            guard let value else { return nil }
            output += escape.map { $0(value) } ?? value
        }
        return output
    }
}

/// A JSON body template: string leaves are templates, everything else is written as given.
indirect enum CompiledJSONBody: Sendable {
    case template(CompiledTemplate)
    case constant(JSONValue)
    case array([CompiledJSONBody])
    /// Members in sorted key order, as the encoder wrote them before.
    case object([(key: String, value: CompiledJSONBody)])

    init(_ value: JSONValue) {
        switch value {
        case .string(let template): self = .template(CompiledTemplate(template))
        case .array(let items): self = .array(items.map(CompiledJSONBody.init))
        case .object(let members):
            self = .object(members.keys.sorted().map { (key: $0, value: CompiledJSONBody(members[$0]!)) })
        case .null, .bool, .number: self = .constant(value)
        }
    }

    /// Appends this value as JSON; false (and nothing appended) when it is a template lacking a value, so
    /// the enclosing member or item is left out. Only string leaves can be left out: containers always stay.
    func write(_ values: TemplateValues, to out: inout String) -> Bool {
        switch self {
        case .template(let template):
            guard let text = template.render(values) else { return false }
            FastJSON.appendString(text, to: &out)
        case .constant(let value): FastJSON.append(value, to: &out)
        case .array(let items):
            out.append("[")
            var separator = false
            for item in items {
                guard let leaf = item.leaf(values) else { continue }
                if separator { out.append(",") }
                leaf.write(values, to: &out)
                separator = true
            }
            out.append("]")
        case .object(let members):
            out.append("{")
            var separator = false
            for member in members {
                guard let leaf = member.value.leaf(values) else { continue }
                if separator { out.append(",") }
                FastJSON.appendString(member.key, to: &out)
                out.append(":")
                leaf.write(values, to: &out)
                separator = true
            }
            out.append("}")
        }
        return true
    }

    /// This value with its template rendered, or nil when the template lacks a value.
    private func leaf(_ values: TemplateValues) -> Leaf? {
        guard case .template(let template) = self else { return .value(self) }
        return template.render(values).map(Leaf.text)
    }

    private enum Leaf {
        case text(String)
        case value(CompiledJSONBody)

        func write(_ values: TemplateValues, to out: inout String) {
            switch self {
            case .text(let text): FastJSON.appendString(text, to: &out)
            case .value(let value): _ = value.write(values, to: &out)
            }
        }
    }
}
