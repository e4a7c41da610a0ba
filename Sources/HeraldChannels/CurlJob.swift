import CCurl

/// One transfer a `CurlMultiLoop` runs on one of its pooled easy handles. The job owns its caller's
/// continuation: the loop thread calls `start` when a handle is free and `complete` when libcurl is done
/// (or with no handle when the transfer never ran), and never touches the job again after that.
protocol CurlJob: AnyObject, Sendable {
    /// Sets this transfer's options on `easy`, which keeps the options of earlier transfers.
    func start(on easy: CurlEasy)
    /// Reads the outcome, clears what `start` set that must not outlive the job, and resumes the caller.
    /// `easy` is nil when the transfer did not run (loop shut down, or no handle could be made).
    func complete(on easy: CurlEasy?, code: CURLcode)
}

/// An SMTP transfer: the message bytes and its RCPT list. `completion` runs once, on the loop thread,
/// with the outcome (nil when the transfer never ran) and the time from the transfer's start to its end.
final class CurlSMTPJob: CurlJob, @unchecked Sendable {
    private let upload: [UInt8]
    private let recipients: [String]
    /// Set per transfer when every message has its own envelope sender (VERP); every job of such a driver
    /// sets it, so no handle keeps another message's sender.
    private let mailFrom: String?
    private let completion: @Sendable (CurlTransferResult?, Duration) -> Void
    private var startedAt: ContinuousClock.Instant?

    init(
        upload: [UInt8], recipients: [String], mailFrom: String? = nil,
        completion: @escaping @Sendable (CurlTransferResult?, Duration) -> Void
    ) {
        self.upload = upload
        self.recipients = recipients
        self.mailFrom = mailFrom
        self.completion = completion
    }

    func start(on easy: CurlEasy) {
        startedAt = .now
        if let mailFrom { easy.set(CURLOPT_MAIL_FROM, "<\(mailFrom)>") }
        easy.prepare(upload: upload, recipients: recipients)
    }

    func complete(on easy: CurlEasy?, code: CURLcode) {
        let latency = startedAt.map { .now - $0 } ?? .zero
        completion(easy?.finish(code), latency)
    }
}
