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

/// An SMTP transfer: the message bytes and its RCPT list.
final class CurlSMTPJob: CurlJob, @unchecked Sendable {
    private let upload: [UInt8]
    private let recipients: [String]
    private let completion: CheckedContinuation<CurlTransferResult?, Never>

    init(upload: [UInt8], recipients: [String], completion: CheckedContinuation<CurlTransferResult?, Never>) {
        self.upload = upload
        self.recipients = recipients
        self.completion = completion
    }

    func start(on easy: CurlEasy) {
        easy.prepare(upload: upload, recipients: recipients)
    }

    func complete(on easy: CurlEasy?, code: CURLcode) {
        completion.resume(returning: easy?.finish(code))
    }
}
