import Foundation
import Testing

@testable import HeraldCore

@Suite struct UnsubscribeTokenTests {
    let secret: [UInt8] = Array("a-long-random-unsubscribe-secret".utf8)
    let token = UnsubscribeToken(contactId: "کاربر-42", channel: "email", topic: "newsletter")

    @Test func roundTrips() {
        let signed = token.signed(secret: secret)
        #expect(UnsubscribeToken.verify(signed, secret: secret) == token)
        let everything = UnsubscribeToken(contactId: "u1", channel: "*", topic: "*")
        #expect(UnsubscribeToken.verify(everything.signed(secret: secret), secret: secret) == everything)
        let empty = UnsubscribeToken(contactId: "", channel: "", topic: "")
        #expect(UnsubscribeToken.verify(empty.signed(secret: secret), secret: secret) == empty)
    }

    @Test("a link carries when it was signed; version-1 links without it still verify")
    func signingTime() {
        let signedAt = Date(timeIntervalSince1970: 1_790_000_000.25)
        let dated = UnsubscribeToken(contactId: "u1", channel: "email", topic: "*", issuedAt: signedAt)
        let verified = UnsubscribeToken.verify(dated.signed(secret: secret), secret: secret)
        #expect(verified == dated)
        #expect(verified?.issuedAt == signedAt)
        #expect(verified?.predates(contactCreatedAt: signedAt + 300) == false, "clocks may differ by five minutes")
        #expect(verified?.predates(contactCreatedAt: signedAt + 301) == true, "a contact stored later is not the link's")
        #expect(UnsubscribeToken.verify(token.signed(secret: secret), secret: secret)?.issuedAt == nil)
        #expect(!token.predates(contactCreatedAt: Date(timeIntervalSince1970: 0)))
        #expect(!token.predates(contactCreatedAt: signedAt), "a link from mail sent before signing times keeps working")
    }

    @Test func isURLSafe() {
        let signed = token.signed(secret: secret)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        #expect(signed.allSatisfy(allowed.contains))
        #expect(signed.filter { $0 == "." }.count == 1)
    }

    @Test func rejectsAnyFlippedCharacter() {
        let signed = Array(token.signed(secret: secret))
        for index in signed.indices where signed[index] != "." {
            var tampered = signed
            tampered[index] = signed[index] == "A" ? "B" : "A"
            #expect(UnsubscribeToken.verify(String(tampered), secret: secret) == nil, "flipped at \(index)")
        }
    }

    @Test func rejectsAnotherSecret() {
        let signed = token.signed(secret: secret)
        #expect(UnsubscribeToken.verify(signed, secret: Array("another-secret".utf8)) == nil)
        #expect(UnsubscribeToken.verify(signed, secret: []) == nil)
    }

    @Test func rejectsASignatureMovedToAnotherPayload() {
        let mine = token.signed(secret: secret).split(separator: ".")
        let other = UnsubscribeToken(contactId: "someone-else", channel: "*", topic: "*").signed(secret: secret)
            .split(separator: ".")
        #expect(UnsubscribeToken.verify("\(other[0]).\(mine[1])", secret: secret) == nil)
    }

    @Test func rejectsTruncatedTokens() {
        let signed = token.signed(secret: secret)
        let dot = signed.firstIndex(of: ".")!
        for candidate in [
            String(signed.dropLast()), String(signed.dropLast(5)), String(signed[..<dot]),
            String(signed[...dot]), String(signed[signed.index(after: dot)...]), String(signed.dropFirst()),
        ] {
            #expect(UnsubscribeToken.verify(candidate, secret: secret) == nil, "\(candidate)")
        }
    }

    @Test(arguments: [
        "", ".", "..", "abc", "a.b.c", "!!!.???", "AAAA.AAAA", "AAAA==.AAAA", "AA+A.AA/A", "A B.C D",
        String(repeating: "A", count: 10_000) + "." + String(repeating: "A", count: 43),
    ])
    func rejectsGarbage(_ garbage: String) {
        #expect(UnsubscribeToken.verify(garbage, secret: secret) == nil)
    }

    @Test func rejectsMalformedPayloadsEvenWhenAuthentic() {
        #expect(UnsubscribeToken.decodePayload([]) == nil)
        #expect(UnsubscribeToken.decodePayload([3, 0, 0, 0, 0, 0, 0]) == nil)  // unknown version
        #expect(UnsubscribeToken.decodePayload([2, 0, 0, 0, 0, 0, 0]) == nil)  // signing time cut short
        #expect(UnsubscribeToken.decodePayload([2, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == nil)  // time past Int64
        #expect(UnsubscribeToken.decodePayload([1, 0, 5, 65]) == nil)  // length past the end
        #expect(UnsubscribeToken.decodePayload([1, 0, 0, 0, 0, 0, 0, 9]) == nil)  // trailing bytes
        #expect(UnsubscribeToken.decodePayload([1, 0, 1, 0xFF, 0, 0, 0, 0]) == nil)  // not UTF-8
        #expect(UnsubscribeToken.decodePayload([1, 0, 0, 0, 0, 0, 0]) == UnsubscribeToken(contactId: "", channel: "", topic: ""))
    }

    @Test func base64URLRoundTripsEveryLength() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 251) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            if length > 0 { #expect(Base64URL.decode(Substring(text)) == bytes) }
        }
    }
}
