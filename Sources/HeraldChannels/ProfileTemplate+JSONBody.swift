import HeraldCore

/// A JSON body template: string leaves are templates, everything else is written as given.
/// Not `indirect`: the arrays already box the children, and a boxed case cost a retain and a release
/// per member per message.
enum CompiledJSONBody: Sendable {
    case template(CompiledTemplate)
    /// JSON text no message changes: a constant, or (once bound) a template without fields.
    case encoded([UInt8])
    case array([CompiledJSONBody])
    /// Members in sorted key order, as the encoder wrote them before; each key is stored encoded,
    /// with its colon (`"to":`).
    case object([(key: [UInt8], value: CompiledJSONBody)])

    init(_ value: JSONValue) {
        switch value {
        case .string(let template): self = .template(CompiledTemplate(template))
        case .array(let items): self = .array(items.map(CompiledJSONBody.init))
        case .object(let members):
            self = .object(members.keys.sorted().map { (key: Self.encodedKey($0), value: CompiledJSONBody(members[$0]!)) })
        case .null, .bool, .number, .decimal:
            var text = ""
            FastJSON.append(value, to: &text)
            self = .encoded(Array(text.utf8))
        }
    }

    private static func encodedKey(_ key: String) -> [UInt8] {
        var text = ""
        FastJSON.appendString(key, to: &text)
        return Array(text.utf8) + [UInt8(ascii: ":")]
    }

    /// This body with a channel instance's options and secrets written in: templates left without
    /// fields become encoded text, members and items whose template can never render are dropped (as
    /// `write` would leave them out for every message), and containers of encoded text become one.
    func binding(options: [String: String], secrets: [String: String]) -> CompiledJSONBody {
        switch self {
        case .encoded: return self
        case .template(let template):
            let bound = template.binding(options: options, secrets: secrets)
            guard case .some(.some(let text)) = bound.constant else { return .template(bound) }
            var bytes: [UInt8] = []
            FastJSON.appendString(text, to: &bytes)
            return .encoded(bytes)
        case .array(let items):
            let bound = items.map { $0.binding(options: options, secrets: secrets) }.filter { !$0.neverRenders }
            guard bound.allSatisfy(\.isEncoded) else { return .array(bound) }
            var bytes: [UInt8] = []
            _ = CompiledJSONBody.array(bound).write(TemplateValues(), to: &bytes)
            return .encoded(bytes)
        case .object(let members):
            let bound = members.map { (key: $0.key, value: $0.value.binding(options: options, secrets: secrets)) }
                .filter { !$0.value.neverRenders }
            guard bound.allSatisfy(\.value.isEncoded) else { return .object(bound) }
            var bytes: [UInt8] = []
            _ = CompiledJSONBody.object(bound).write(TemplateValues(), to: &bytes)
            return .encoded(bytes)
        }
    }

    private var isEncoded: Bool {
        if case .encoded = self { true } else { false }
    }

    private var neverRenders: Bool {
        guard case .template(let template) = self, case .some(.none) = template.constant else { return false }
        return true
    }

    /// The message fields this body reads.
    var fieldsRead: FieldSlots {
        switch self {
        case .encoded: []
        case .template(let template): template.fieldsRead
        case .array(let items): items.reduce(into: []) { $0.formUnion($1.fieldsRead) }
        case .object(let members): members.reduce(into: []) { $0.formUnion($1.value.fieldsRead) }
        }
    }

    /// Appends this value as JSON; false (and nothing appended) when it is a template lacking a value, so
    /// the enclosing member or item is left out. Only string leaves can be left out: containers always stay.
    func write(_ values: TemplateValues, to out: inout [UInt8]) -> Bool {
        switch self {
        case .template(let template):
            guard let text = template.render(values) else { return false }
            FastJSON.appendString(text, to: &out)
        case .encoded(let bytes): out.append(contentsOf: bytes)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            var separator = false
            for item in items { item.writeMember(key: nil, values, to: &out, separator: &separator) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            var separator = false
            for member in members { member.value.writeMember(key: member.key, values, to: &out, separator: &separator) }
            out.append(UInt8(ascii: "}"))
        }
        return true
    }

    /// Writes this member (or item, without a key) after a separator if one is due; a template lacking a
    /// value writes nothing. Renders before writing the key, so nothing is undone.
    private func writeMember(key: [UInt8]?, _ values: TemplateValues, to out: inout [UInt8], separator: inout Bool) {
        var text: String?
        if case .template(let template) = self {
            text = template.render(values)
            if text == nil { return }
        }
        if separator { out.append(UInt8(ascii: ",")) }
        separator = true
        if let key { out.append(contentsOf: key) }
        if let text { FastJSON.appendString(text, to: &out) } else { _ = write(values, to: &out) }
    }
}
