import Foundation

/// An `application/x-www-form-urlencoded` body, as the preference page's form posts it.
struct PreferenceForm: Sendable {
    let fields: [(name: String, value: String)]

    init(_ body: Data) {
        fields = String(decoding: body, as: UTF8.self).split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { return nil }
            return (name, parts.count > 1 ? Self.decode(parts[1]) ?? "" : "")
        }
    }

    func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    func values(_ name: String) -> Set<String> { Set(fields.filter { $0.name == name }.map(\.value)) }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
