import CryptoExtras
import Foundation
import HeraldCore
import Testing

@testable import HeraldChannels

@Suite("DKIM signer")
struct DKIMSignerTests {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static var publicKeyBase64: String { key.publicKey.derRepresentation.base64EncodedString() }

    func message(listUnsubscribe: ListUnsubscribe? = nil) -> MIMEMessage {
        MIMEBuilder(
            fromAddress: "shop@example.com", fromName: "فروشگاه", to: ["maryam@example.org"],
            subject: "سبد خرید شما منتظر است", text: "سلام\nمتن پیام  با فاصله ", html: "<p>سلام</p>",
            date: Date(timeIntervalSince1970: 1_700_000_000), messageId: "delivery-9.f00@example.com",
            boundary: "=_herald_x", listUnsubscribe: listUnsubscribe
        ).build()
    }

    func verifyWithDkimpy(_ message: MIMEMessage) throws -> Bool? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dkim-\(UUID().uuidString).eml")
        try Data(message.bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try InspectedMessage.inspect(file, dkimPublicKey: Self.publicKeyBase64).dkim
    }

    @Test("relaxed canonicalization matches RFC 6376 §3.4.6")
    func canonicalizesRelaxed() {
        #expect(DKIMCanonicalization.relaxedHeader(name: "A", value: "X") == "a:X")
        #expect(DKIMCanonicalization.relaxedHeader(name: "B", value: "Y\t\r\n\tZ  ") == "b:Y Z")
        let body = Array(" C \r\nD \t E\r\n\r\n\r\n".utf8)
        #expect(DKIMCanonicalization.relaxedBody(body) == Array(" C\r\nD E\r\n".utf8))
        #expect(DKIMCanonicalization.relaxedBody(Array("\r\n\r\n".utf8)) == [])
        #expect(DKIMCanonicalization.relaxedBody(Array("no newline".utf8)) == Array("no newline\r\n".utf8))
    }

    @Test("dkimpy verifies a signed message; a changed body fails verification")
    func signatureVerifiesWithDkimpy() throws {
        let signer = try DKIMSigner(domain: "example.com", selector: "herald", privateKeyPEM: Self.key.pemRepresentation)
        let signed = try signer.sign(message(), now: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(signed.headers.first?.name == "DKIM-Signature")
        #expect(try verifyWithDkimpy(signed) == true)

        var tampered = signed
        tampered.body = tampered.body.replacingOccurrences(of: "--=_herald_x--", with: "--=_herald_x--\r\nP.S.")
        #expect(try verifyWithDkimpy(tampered) == false)
    }

    @Test("the signature covers the unsubscribe headers when they are present")
    func signsListUnsubscribe() throws {
        let signer = try DKIMSigner(domain: "example.com", selector: "s1", privateKeyPEM: Self.key.pemRepresentation)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let plain = try #require(try signer.sign(message(), now: now).header("DKIM-Signature"))
        #expect(plain.contains("h=from:to:subject:date:message-id:mime-version:content-type;"))
        #expect(plain.components(separatedBy: "\r\n").allSatisfy { $0.count <= 78 })
        #expect(plain.contains("d=example.com; s=s1;"))
        #expect(plain.contains("t=1700000000;"))

        let marketing = message(listUnsubscribe: ListUnsubscribe(url: "https://h.example/u/t"))
        let signed = try signer.sign(marketing, now: now)
        let header = try #require(signed.header("DKIM-Signature"))
        let unfolded = header.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("content-type:list-unsubscribe:list-unsubscribe-post;"))
        #expect(try verifyWithDkimpy(signed) == true)
    }

    @Test("a key that is not RSA PEM is a config error with a stable code")
    func rejectsBadKey() {
        #expect(throws: HeraldError.self) {
            try DKIMSigner(domain: "example.com", selector: "s", privateKeyPEM: "-----BEGIN NONSENSE-----")
        }
        do {
            _ = try DKIMSigner(domain: "example.com", selector: "s", privateKeyPEM: "x")
        } catch {
            #expect(error.code == "dkim_key_invalid")
            #expect(error.field == "options.dkim.private_key_pem")
        }
    }
}
