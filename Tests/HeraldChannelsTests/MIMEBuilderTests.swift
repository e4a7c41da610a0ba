import Foundation
import Testing

@testable import HeraldChannels

@Suite("MIME builder")
struct MIMEBuilderTests {
    static let persianSubject = "یادآوری: سبد خرید شما در فروشگاه ما هنوز منتظر شماست و تخفیف ویژهٔ امروز را از دست ندهید"

    func builder(subject: String = "Hello", text: String = "Hi there", html: String? = nil) -> MIMEBuilder {
        MIMEBuilder(
            fromAddress: "shop@example.com", fromName: "Shop", to: ["maryam@example.org"], subject: subject,
            text: text, html: html, date: Date(timeIntervalSince1970: 0), messageId: "delivery-1.ab@example.com",
            boundary: "=_herald_b1")
    }

    /// Decodes a run of folded RFC 2047 B-words back to text; nil if any word is not whole UTF-8.
    func decodeEncodedWords(_ value: String) -> String? {
        var bytes: [UInt8] = []
        for word in value.components(separatedBy: "\r\n ") {
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))),
                String(bytes: data, encoding: .utf8) != nil
            else { return nil }
            bytes += data
        }
        return String(bytes: bytes, encoding: .utf8)
    }

    @Test("a long Persian subject becomes folded encoded-words of whole characters that decode to the original")
    func encodesPersianSubject() throws {
        let message = builder(subject: Self.persianSubject).build()
        let subject = try #require(message.header("Subject"))
        #expect(subject.components(separatedBy: "\r\n ").count > 1)
        #expect(decodeEncodedWords(subject) == Self.persianSubject)
        let lines = message.rendered.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("line breaks in a subject cannot inject headers")
    func flattensSubjectLineBreaks() {
        let message = builder(subject: "Hi\r\nBcc: victim@example.net").build()
        #expect(message.headers.filter { $0.name == "Bcc" }.isEmpty)
        #expect(!message.rendered.contains("\r\nBcc:"))
        #expect(message.header("Subject") == "Hi  Bcc: victim@example.net")
    }

    @Test("text-only mail is a single quoted-printable text/plain part with the fixed headers")
    func buildsTextOnly() {
        let message = builder(text: "Line one\nLine two ").build()
        #expect(message.headers.map(\.name) == [
            "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
        ])
        #expect(message.header("From") == "Shop <shop@example.com>")
        #expect(message.header("Date") == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(message.header("Message-ID") == "<delivery-1.ab@example.com>")
        #expect(message.header("Content-Type") == "text/plain; charset=UTF-8")
        #expect(message.header("Content-Transfer-Encoding") == "quoted-printable")
        // The trailing space is encoded so transports cannot strip it.
        #expect(message.body == "Line one\r\nLine two=20\r\n")
        // What libcurl uploads is exactly the rendered message.
        #expect(message.bytes == Array(message.rendered.utf8))
        let multipart = builder(subject: Self.persianSubject, html: "<p>سلام</p>").build()
        #expect(multipart.bytes == Array(multipart.rendered.utf8))
    }

    @Test("text + html is multipart/alternative, plain first; Persian parts are base64 of CRLF text")
    func buildsAlternative() throws {
        let text = "سلام\nخوش آمدید"
        let message = builder(text: text, html: "<p>سلام</p>").build()
        #expect(message.header("Content-Type") == "multipart/alternative;\r\n boundary=\"=_herald_b1\"")
        #expect(message.header("Content-Transfer-Encoding") == nil)
        let sections = message.body.components(separatedBy: "--=_herald_b1")
        #expect(sections.count == 4)
        #expect(sections.last == "--\r\n")
        #expect(sections[1].contains("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64"))
        #expect(sections[2].contains("Content-Type: text/html; charset=UTF-8"))
        let encoded = try #require(sections[1].components(separatedBy: "\r\n\r\n").last)
        let decoded = Data(base64Encoded: encoded.replacingOccurrences(of: "\r\n", with: ""))
        #expect(decoded.flatMap { String(data: $0, encoding: .utf8) } == "سلام\r\nخوش آمدید")
    }

    @Test("display names: specials are quoted, Persian is encoded")
    func encodesDisplayNames() {
        #expect(MIMEAddress.mailbox("a@b.c", displayName: "Shop, Inc.") == "\"Shop, Inc.\" <a@b.c>")
        let encoded = MIMEAddress.mailbox("a@b.c", displayName: "فروشگاه")
        #expect(encoded.hasPrefix("=?UTF-8?B?"))
        #expect(decodeEncodedWords(String(encoded.dropLast(" <a@b.c>".count))) == "فروشگاه")
    }

    @Test("List-Unsubscribe lists the one-click URL and mailto; the Post header needs the URL")
    func listUnsubscribeHeaders() {
        var withURL = builder()
        withURL.listUnsubscribe = ListUnsubscribe(url: "https://h.example/u/t", mailto: "unsub@example.com")
        let message = withURL.build()
        #expect(message.header("List-Unsubscribe") == "<https://h.example/u/t>,\r\n <mailto:unsub@example.com>")
        #expect(message.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")

        var mailtoOnly = builder()
        mailtoOnly.listUnsubscribe = ListUnsubscribe(url: nil, mailto: "mailto:unsub@example.com")
        #expect(mailtoOnly.build().header("List-Unsubscribe") == "<mailto:unsub@example.com>")
        #expect(mailtoOnly.build().header("List-Unsubscribe-Post") == nil)
        #expect(builder().build().header("List-Unsubscribe") == nil)
    }

    @Test("address validation rejects what could break an SMTP command or a header")
    func validatesAddresses() {
        #expect(MIMEAddress.isValid("maryam@example.org"))
        #expect(!MIMEAddress.isValid("maryam@example.org>\r\nRCPT TO:<x@y.z"))
        #expect(!MIMEAddress.isValid("no-at-sign"))
        #expect(!MIMEAddress.isValid("a@b@c"))
        #expect(!MIMEAddress.isValid("مریم@example.org"))
        #expect(!MIMEAddress.isValid("@example.org"))
        #expect(!MIMEAddress.isValid("maryam@"))
        #expect(!MIMEAddress.isValid("mar yam@example.org"))
        #expect(!MIMEAddress.isValid("maryam@example.org;"))
        #expect(!MIMEAddress.isValid("maryam\u{7F}@example.org"))
        #expect(!MIMEAddress.isValid(""))
        #expect(MIMEAddress.isValid("first.last+tag@sub.example.org"))
    }

    @Test("display names: plain atoms stay, specials are quoted, `=?` and line breaks never pass through raw")
    func encodesDisplayNamesAndSubjects() {
        #expect(MIMEHeaderEncoding.phrase("Herald Shop") == "Herald Shop")
        #expect(MIMEHeaderEncoding.phrase("Shop, Inc. \"Best\"") == "\"Shop, Inc. \\\"Best\\\"\"")
        #expect(MIMEHeaderEncoding.phrase("Shop\r\nBcc: x@y.z") == "\"Shop  Bcc: x@y.z\"")
        #expect(MIMEHeaderEncoding.unstructured("a =?b", headerName: "Subject").hasPrefix("=?UTF-8?B?"))
        #expect(MIMEHeaderEncoding.unstructured("a = ?b", headerName: "Subject") == "a = ?b")
        #expect(MIMEHeaderEncoding.unstructured("tab\there", headerName: "Subject") == "tab here")
    }
}
