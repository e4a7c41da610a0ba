import Foundation
import Mustache

/// A contact's nested object as Mustache walks it. A variable tag naming it prints nothing: Mustache would
/// print a plain dictionary as Swift writes it (`["city": "Tehran"]`). Sections, dotted names and transforms
/// reach its members as before.
struct TemplateObject: MustacheParent, MustacheCustomRenderable, MustacheTransformable {
    let members: [String: Any]

    func child(named name: String) -> Any? { members[name] }
    var renderText: String { "" }
    var isNull: Bool { false }
    func transform(_ name: String) -> Any? { members.transform(name) }
}

/// A contact's list as Mustache walks it: a section repeats for each element, a variable tag prints nothing
/// (not `["a", "b"]`).
struct TemplateList: MustacheSequence, MustacheCustomRenderable, MustacheTransformable {
    let elements: [Any]

    func makeIterator() -> IndexingIterator<[Any]> { elements.makeIterator() }
    var renderText: String { "" }
    var isNull: Bool { false }
    func transform(_ name: String) -> Any? { elements.transform(name) }
}

enum TemplateContextPath {
    /// The value at a dotted name (`attributes.address.city`) in a contact's context; nil when any step is
    /// missing or null.
    static func value(at path: some StringProtocol, in context: [String: Any]) -> Any? {
        var current: Any = context
        for key in path.split(separator: ".") {
            let next: Any? =
                switch current {
                case let object as [String: Any]: object[String(key)]
                case let object as TemplateObject: object.members[String(key)]
                default: nil
                }
            guard let next, !(next is NSNull) else { return nil }
            current = next
        }
        return current
    }
}
