import Foundation

/// Bounce and complaint messages as real reporting systems write them, for tests: a DSN in Postfix's
/// layout (bounce(8): notification, message/delivery-status, returned headers) and an ARF report in the
/// layout of RFC 5965's example, as mailbox providers' feedback loops send it.
public enum ReportMessages {
    /// Postfix's non-delivery report for a message sent with envelope sender `returnPath` (the VERP
    /// address): `status` 5.x.x with `Action: failed` is a hard bounce, 4.x.x with `delayed` a soft one.
    public static func postfixDSN(
        returnPath: String, recipient: String, originalMessageId: String, status: String = "5.1.1",
        action: String = "failed", crlf: Bool = true
    ) -> [UInt8] {
        let boundary = "3F1A21C0A4B.1796464800/mail.shop.example"
        let diagnostic =
            status.hasPrefix("5")
            ? "smtp; 550 \(status) <\(recipient)>: Recipient address rejected: User unknown in virtual mailbox\n    table"
            : "smtp; 452 \(status) <\(recipient)>: Mailbox full"
        let text = """
            Return-Path: <>
            X-Original-To: \(returnPath)
            Delivered-To: \(returnPath)
            Received: by mail.shop.example (Postfix)
            \tid 3F1A21C0A4B; Sat,  5 Dec 2026 10:00:00 +0000 (UTC)
            Date: Sat,  5 Dec 2026 10:00:00 +0000 (UTC)
            From: MAILER-DAEMON@mail.shop.example (Mail Delivery System)
            Subject: \(action == "failed" ? "Undelivered Mail Returned to Sender" : "Delayed Mail (still being retried)")
            To: \(returnPath)
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status;
            \tboundary="\(boundary)"
            Content-Transfer-Encoding: 8bit
            Message-Id: <20261205100000.3F1A21C0A4B@mail.shop.example>

            This is a MIME-encapsulated message.

            --\(boundary)
            Content-Description: Notification
            Content-Type: text/plain; charset=us-ascii

            This is the mail system at host mail.shop.example.

            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients. It's attached below.

            For further assistance, please send mail to postmaster.

                               The mail system

            <\(recipient)>: host mx.example.net[203.0.113.5] said: 550 \(status)
                <\(recipient)>: Recipient address rejected: User unknown (in reply to RCPT TO
                command)

            --\(boundary)
            Content-Description: Delivery report
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mail.shop.example
            X-Postfix-Queue-ID: 3F1A21C0A4B
            X-Postfix-Sender: rfc822; \(returnPath)
            Arrival-Date: Sat,  5 Dec 2026 09:59:58 +0000 (UTC)

            Final-Recipient: rfc822; \(recipient)
            Original-Recipient: rfc822;\(recipient)
            Action: \(action)
            Status: \(status)
            Remote-MTA: dns; mx.example.net
            Diagnostic-Code: \(diagnostic)

            --\(boundary)
            Content-Description: Undelivered Message Headers
            Content-Type: text/rfc822-headers

            Return-Path: <\(returnPath)>
            Received: from herald.shop.example (herald.shop.example [192.0.2.10])
            \tby mail.shop.example (Postfix) with ESMTP id 3F1A21C0A4B
            \tfor <\(recipient)>; Sat,  5 Dec 2026 09:59:58 +0000 (UTC)
            From: Shop <news@shop.example>
            To: \(recipient)
            Subject: Your weekly picks
            Message-ID: <\(originalMessageId)>
            MIME-Version: 1.0

            --\(boundary)--

            """
        return bytes(text, crlf: crlf)
    }

    /// An ARF spam report (`Feedback-Type: abuse`) about a message sent from `returnPath` to `recipient`.
    public static func arfComplaint(
        returnPath: String, recipient: String, originalMessageId: String, feedbackType: String = "abuse"
    ) -> [UInt8] {
        let boundary = "part1_13d.2e68ed54_boundary"
        let text = """
            From: <abusedesk@mailbox.example>
            Date: Sat, 5 Dec 2026 10:05:00 +0000
            Subject: FW: Your weekly picks
            To: \(returnPath)
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report;
            \tboundary="\(boundary)"

            --\(boundary)
            Content-Type: text/plain; charset="US-ASCII"
            Content-Transfer-Encoding: 7bit

            This is an email abuse report for an email message received from IP
            192.0.2.10 on Sat, 5 Dec 2026 10:00:00 +0000.
            For more information about this format please see
            http://www.mipassoc.org/arf/.

            --\(boundary)
            Content-Type: message/feedback-report

            Feedback-Type: \(feedbackType)
            User-Agent: SomeGenerator/1.0
            Version: 1
            Original-Mail-From: <\(returnPath)>
            Original-Rcpt-To: <\(recipient)>
            Arrival-Date: Sat, 5 Dec 2026 10:00:00 +0000
            Reporting-MTA: dns; mail.mailbox.example
            Source-IP: 192.0.2.10
            Authentication-Results: mail.mailbox.example;
            \tspf=pass smtp.mail=\(returnPath)
            Reported-Domain: shop.example

            --\(boundary)
            Content-Type: message/rfc822
            Content-Disposition: inline

            Return-Path: <\(returnPath)>
            From: Shop <news@shop.example>
            To: \(recipient)
            Subject: Your weekly picks
            Message-ID: <\(originalMessageId)>
            Date: Sat, 5 Dec 2026 09:59:58 +0000

            Hello, here are your weekly picks.

            --\(boundary)--

            """
        return bytes(text, crlf: true)
    }

    static func bytes(_ text: String, crlf: Bool) -> [UInt8] {
        Array((crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text).utf8)
    }
}
