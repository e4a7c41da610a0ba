import Foundation
import HeraldCore

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
        let parts = [Self.textPart(text, subtype: "plain"), Self.textPart(html, subtype: "html")]
        // Appended piece by piece into one string: interpolations and joins per header cost more than the copy.
        var body = ""
        body.reserveCapacity(parts.reduce(256) { $0 + $1.body.utf8.count })
        for part in parts {
            body += "--"
            body += boundary
            body += "\r\n"
            for header in part.headers {
                body += header.name
                body += ": "
                body += header.value
                body += "\r\n"
            }
            body += "\r\n"
            body += part.body
            body += "\r\n"
        }
        body += "--"
        body += boundary
        body += "--\r\n"
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

/// RFC 5322 date-time in UTC, e.g. `Mon, 23 Nov 2026 12:02:25 +0000`. Plain arithmetic on the
/// proleptic Gregorian calendar: a `Calendar` and `String(format:)` per message cost more than the rest
/// of the headers together.
enum MIMEDate {
    static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = CivilCalendar.date(fromDays: Int(days))
        let weekday = weekdays[Int(days - floorDivide(days, 7) * 7)]
        let time = twoDigits(secondOfDay / 3600) + ":" + twoDigits(secondOfDay / 60 % 60) + ":"
            + twoDigits(secondOfDay % 60)
        return "\(weekday), \(day) \(months[month - 1]) \(year) \(time) +0000"
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }

    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
