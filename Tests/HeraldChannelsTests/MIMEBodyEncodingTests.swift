import Foundation
import Testing

@testable import HeraldChannels

@Suite("MIME body encodings")
struct MIMEBodyEncodingTests {
    /// A minimal quoted-printable decoder, written independently of the encoder.
    func decodeQuotedPrintable(_ text: String) -> String {
        let unfolded = text.replacingOccurrences(of: "=\r\n", with: "")
        var bytes: [UInt8] = []
        var index = unfolded.utf8.startIndex
        let utf8 = unfolded.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "="), let end = utf8.index(index, offsetBy: 3, limitedBy: utf8.endIndex),
                let value = UInt8(String(unfolded[utf8.index(after: index)..<end]), radix: 16)
            {
                bytes.append(value)
                index = end
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("quoted-printable keeps lines under 76 columns and round-trips mixed text")
    func quotedPrintableRoundTrip() {
        let text = String(repeating: "Caf\u{e9} = 100% ", count: 12) + "\nnext line\tend\t"
        let encoded = MIMEBodyEncoding.quotedPrintable.encode(text)
        #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(encoded.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(decodeQuotedPrintable(encoded) == text.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(encoded.hasSuffix("end=09"))
    }

    @Test("base64 lines are 76 characters and decode to the CRLF-normalized text")
    func base64Lines() throws {
        let text = String(repeating: "درود بر شما\r\n", count: 10) + "پایان\rآخر"
        let encoded = MIMEBodyEncoding.base64.encode(text)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        let data = try #require(Data(base64Encoded: lines.joined()))
        let expected = String(repeating: "درود بر شما\r\n", count: 10) + "پایان\r\nآخر"
        #expect(String(decoding: data, as: UTF8.self) == expected)
    }

    @Test("mostly non-Latin text goes base64, mostly-ASCII text stays quoted-printable")
    func choosesEncoding() {
        #expect(MIMEBodyEncoding.preferred(for: "سلام، سفارش شما ارسال شد") == .base64)
        #expect(MIMEBodyEncoding.preferred(for: "Your order has shipped — thanks!") == .quotedPrintable)
        #expect(MIMEBodyEncoding.preferred(for: "") == .quotedPrintable)
    }
}
