import Foundation

/// Builds the RFC 5322 / MIME message for one email. Pure: the date, Message-ID and boundary
/// come in, so the same input always gives the same bytes.
public struct MIMEBuilder: Sendable, Hashable {
    public var fromAddress: String
    public var fromName: String?
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String?
    public var date: Date
    /// Without angle brackets, e.g. `delivery-42.9f3c@example.com`.
    public var messageId: String
    /// Multipart boundary; must not occur in the encoded parts (`=_` never does in QP or base64).
    public var boundary: String
    public var listUnsubscribe: ListUnsubscribe?

    public init(
        fromAddress: String, fromName: String? = nil, to: [String], subject: String, text: String, html: String? = nil,
        date: Date, messageId: String, boundary: String, listUnsubscribe: ListUnsubscribe? = nil
    ) {
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageId = messageId
        self.boundary = boundary
        self.listUnsubscribe = listUnsubscribe
    }

    public func build() -> MIMEMessage {
        var headers = [
            MIMEHeader(name: "From", value: MIMEAddress.mailbox(fromAddress, displayName: fromName)),
            MIMEHeader(name: "To", value: to.joined(separator: ",\r\n ")),
            MIMEHeader(name: "Subject", value: MIMEHeaderEncoding.unstructured(subject, headerName: "Subject")),
            MIMEHeader(name: "Date", value: MIMEDate.format(date)),
            MIMEHeader(name: "Message-ID", value: "<\(messageId)>"),
            MIMEHeader(name: "MIME-Version", value: "1.0"),
        ]
        headers += listUnsubscribe?.headers ?? []

        guard let html else {
            let part = Self.textPart(text, subtype: "plain")
            return MIMEMessage(headers: headers + part.headers, body: part.body + "\r\n")
        }
        headers.append(MIMEHeader(name: "Content-Type", value: "multipart/alternative;\r\n boundary=\"\(boundary)\""))
        var body = ""
        for part in [Self.textPart(text, subtype: "plain"), Self.textPart(html, subtype: "html")] {
            body += "--\(boundary)\r\n"
            body += part.headers.map { "\($0.name): \($0.value)\r\n" }.joined()
            body += "\r\n" + part.body + "\r\n"
        }
        body += "--\(boundary)--\r\n"
        return MIMEMessage(headers: headers, body: body)
    }

    static func textPart(_ content: String, subtype: String) -> (headers: [MIMEHeader], body: String) {
        let encoding = MIMEBodyEncoding.preferred(for: content)
        let headers = [
            MIMEHeader(name: "Content-Type", value: "text/\(subtype); charset=UTF-8"),
            MIMEHeader(name: "Content-Transfer-Encoding", value: encoding.rawValue),
        ]
        return (headers, encoding.encode(content))
    }
}

/// RFC 5322 date-time in UTC, e.g. `Mon, 23 Nov 2026 12:02:25 +0000`.
enum MIMEDate {
    static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[(c.weekday ?? 1) - 1]
        let month = months[(c.month ?? 1) - 1]
        let time = String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        return "\(weekday), \(c.day ?? 1) \(month) \(c.year ?? 1970) \(time) +0000"
    }
}
