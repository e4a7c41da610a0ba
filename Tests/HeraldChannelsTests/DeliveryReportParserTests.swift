import Foundation
import HeraldChannels
import HeraldCore
import HeraldTestSupport
import Testing

/// Raw DSN and ARF reports as an MTA pipe posts them: what each says, and which delivery it names.
@Suite("Bounce and complaint reports (DSN, ARF)")
struct DeliveryReportParserTests {
    let signer = VERPSigner(secret: Array("verp-test-key".utf8))
    var parser: DeliveryReportParser { DeliveryReportParser(verp: signer, channelId: "email-main") }
    var returnPath: String { signer.address(deliveryId: 41, channelId: "email-main", domain: "bounces.shop.example") }

    @Test func postfixHardBounceNamesItsDeliveryByVERP() throws {
        let reports = try parser.parse(
            ReportMessages.postfixDSN(returnPath: returnPath, recipient: "ann@example.net", originalMessageId: "delivery-41.ab@shop.example"))
        #expect(reports.count == 1)
        let report = try #require(reports.first)
        #expect(report.kind == .hardBounce)
        #expect(report.deliveryId == 41)
        #expect(!report.forgedToken)
        #expect(report.recipient == "ann@example.net")
        #expect(report.status == "5.1.1")
        #expect(report.messageIds == ["delivery-41.ab@shop.example"])
        #expect(report.source == "dsn")
        #expect(!report.vouchesForRecipient)
    }

    @Test func aDelayNoticeIsASoftBounceAndBareLineFeedsReadTheSame() throws {
        let reports = try parser.parse(
            ReportMessages.postfixDSN(
                returnPath: returnPath, recipient: "ann@example.net", originalMessageId: "m@x", status: "4.2.2",
                action: "delayed", crlf: false))
        #expect(reports.map(\.kind) == [.softBounce])
        #expect(reports.first?.status == "4.2.2")
        #expect(reports.first?.deliveryId == 41)
    }

    @Test func aForgedOrForeignVERPTokenNamesNoDelivery() throws {
        let forged = returnPath.replacingOccurrences(of: "bounce+41-", with: "bounce+42-")
        let other = signer.address(deliveryId: 41, channelId: "email-other", domain: "bounces.shop.example")
        for address in [forged, other] {
            let report = try #require(
                try parser.parse(ReportMessages.postfixDSN(returnPath: address, recipient: "a@b.example", originalMessageId: "m@x")).first)
            #expect(report.deliveryId == nil)
            #expect(report.forgedToken)
        }
    }

    @Test func anARFAbuseReportIsAComplaintAndNotSpamIsNothing() throws {
        let reports = try parser.parse(
            ReportMessages.arfComplaint(returnPath: returnPath, recipient: "cy@example.org", originalMessageId: "delivery-41.ab@shop.example"))
        #expect(reports.map(\.kind) == [.complaint])
        #expect(reports.first?.deliveryId == 41)
        #expect(reports.first?.recipient == "cy@example.org")
        #expect(reports.first?.status == "abuse")
        let notSpam = try parser.parse(
            ReportMessages.arfComplaint(returnPath: returnPath, recipient: "cy@example.org", originalMessageId: "m@x", feedbackType: "not-spam"))
        #expect(notSpam.isEmpty)
    }

    @Test func base64AndQuotedPrintablePartsAreDecoded() throws {
        let status = Data("Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; ann@example.net\r\nAction: failed\r\nStatus: 5.2.1\r\n".utf8)
            .base64EncodedString(options: .lineLength76Characters)
        let message = """
            To: \(returnPath)
            Content-Type: multipart/report; report-type="delivery-status"; boundary="b1"

            --b1
            Content-Type: text/plain
            Content-Transfer-Encoding: quoted-printable

            Mailbox disabled =E2=80=94 sorry=
             really.
            --b1
            Content-Type: message/delivery-status
            Content-Transfer-Encoding: base64

            \(status)
            --b1--
            """
        let reports = try parser.parse(Array(message.utf8))
        #expect(reports.map(\.status) == ["5.2.1"])
        #expect(reports.first?.deliveryId == 41)
    }

    @Test func withoutVERPTheOriginalMessageIdIsKeptForMatching() throws {
        let plain = DeliveryReportParser(verp: nil, channelId: "email-main")
        let report = try #require(
            try plain.parse(ReportMessages.postfixDSN(returnPath: "news@shop.example", recipient: "ann@example.net", originalMessageId: "delivery-7.c@shop.example")).first)
        #expect(report.deliveryId == nil)
        #expect(!report.forgedToken)
        #expect(report.messageIds == ["delivery-7.c@shop.example"])
    }

    @Test func anOrdinaryMessageIsNoReport() throws {
        let reply = "From: ann@example.net\r\nSubject: Out of office\r\nContent-Type: text/plain\r\n\r\nI am away.\r\n"
        #expect(try parser.parse(Array(reply.utf8)).isEmpty)
    }

    @Test(arguments: [
        "just some text without any header\r\n\r\nbody",
        "",
        "Content-Type: multipart/report; report-type=delivery-status\r\n\r\nno boundary",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=zz\r\n\r\n--other\r\n",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhi\r\n--zz--\r\n",
    ])
    func malformedReportsAreRejectedNotCrashedOn(_ text: String) throws {
        #expect {
            _ = try parser.parse(Array(text.utf8))
        } throws: { error in
            (error as? HeraldError)?.code == "invalid_inbound" && (error as? HeraldError)?.statusCode == 400
        }
    }
}

@Suite("VERP return paths")
struct VERPSignerTests {
    @Test func anAddressNamesItsDeliveryOnlyUnderItsKeyAndChannel() {
        let signer = VERPSigner(secret: Array("k1".utf8))
        let address = signer.address(deliveryId: 123_456, channelId: "email-main", domain: "b.example")
        #expect(address.hasPrefix("bounce+123456-"))
        #expect(address.split(separator: "@").first!.count <= 64)
        #expect(signer.match(address, channelId: "email-main") == .valid(deliveryId: 123_456))
        #expect(signer.match("<" + address.uppercased() + ">", channelId: "email-main") == .valid(deliveryId: 123_456))
        #expect(VERPSigner(secret: Array("k2".utf8)).match(address, channelId: "email-main") == .forged)
        #expect(signer.match(address, channelId: "email-other") == .forged)
        #expect(signer.match("bounce+123456@b.example", channelId: "email-main") == .forged)
        #expect(signer.match("news@shop.example", channelId: "email-main") == .notVERP)
    }
}
