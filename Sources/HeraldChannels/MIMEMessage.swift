import Foundation

/// One header line. `value` is already encoded and folded: 7-bit ASCII (but for a `To:` address whose local part is
/// UTF-8, which only goes out with SMTPUTF8), continuation lines start with a space.
public struct MIMEHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A complete message as it goes on the wire (before SMTP dot-stuffing, which libcurl does).
public struct MIMEMessage: Sendable, Hashable {
    public var headers: [MIMEHeader]
    /// 7-bit body with CRLF line endings.
    public var body: String

    public init(headers: [MIMEHeader], body: String) {
        self.headers = headers
        self.body = body
    }

    /// The last value of a header (case-insensitive name), as written (folded, encoded).
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var rendered: String {
        headers.map { "\($0.name): \($0.value)\r\n" }.joined() + "\r\n" + body
    }

    /// `rendered` as UTF-8, written straight into one buffer.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.utf8.count + headers.count * 80 + 2)
        for header in headers {
            out.append(contentsOf: header.name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: header.value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        out.append(contentsOf: body.utf8)
        return out
    }
}

/// The RFC 8058 unsubscribe targets of a marketing message.
public struct ListUnsubscribe: Sendable, Hashable {
    /// The HTTPS one-click URL (`POST` with `List-Unsubscribe=One-Click`).
    public var url: String?
    /// A mailto target, with or without the `mailto:` prefix.
    public var mailto: String?

    public init(url: String?, mailto: String? = nil) {
        self.url = url
        self.mailto = mailto
    }

    var headers: [MIMEHeader] {
        var targets: [String] = []
        if let url { targets.append("<\(url)>") }
        if let mailto {
            targets.append(mailto.lowercased().hasPrefix("mailto:") ? "<\(mailto)>" : "<mailto:\(mailto)>")
        }
        guard !targets.isEmpty else { return [] }
        var headers = [MIMEHeader(name: "List-Unsubscribe", value: targets.joined(separator: ",\r\n "))]
        // One-click only makes sense with an HTTPS target to POST to.
        if url != nil {
            headers.append(MIMEHeader(name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"))
        }
        return headers
    }
}
