import Foundation
import HeraldCore

/// One parsed MIME entity: its unfolded headers and its body, already decoded from its
/// Content-Transfer-Encoding (base64 and quoted-printable; 7bit, 8bit and binary as they are).
struct MIMEPart: Sendable {
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first header of that name (case-insensitive), unfolded and trimmed.
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    func allHeaders(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// `type/subtype` in lowercase; `text/plain` when absent (RFC 2045 §5.2).
    var contentType: String { MIMEHeaderValue(header("Content-Type") ?? "text/plain").value.lowercased() }

    func contentTypeParameter(_ name: String) -> String? {
        MIMEHeaderValue(header("Content-Type") ?? "").parameters[name.lowercased()]
    }
}

/// A structured header value: `value; name=token; name="quoted \" string"`.
struct MIMEHeaderValue {
    var value: String
    var parameters: [String: String] = [:]

    init(_ text: String) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        value = pieces[0].trimmingCharacters(in: .whitespaces)
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            parameters[name] = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
    }
}
