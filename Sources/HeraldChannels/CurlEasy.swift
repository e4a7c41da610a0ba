import CCurl
import CCurlShim

/// One libcurl easy handle: the options of one relay, set once and kept across transfers.
/// Not thread-safe: `CurlMultiLoop` uses its handles on its own thread only, and `SMTPDriver.check`
/// uses a handle of its own on one queue.
final class CurlEasy: @unchecked Sendable {
    /// curl_global_init is not thread-safe; a static let runs it exactly once, before the first handle.
    private static let globalInit: CURLcode = herald_curl_global_init()
    /// Whether libcurl initialised; runs the initialisation on first use.
    static var isReady: Bool { globalInit == CURLE_OK }

    let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The transfer in progress: its RCPT list and upload source live until `finish`.
    private var recipientList: UnsafeMutablePointer<curl_slist>?
    private var source: CurlUploadSource?

    init?() {
        guard Self.isReady, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        herald_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        // Signals do not mix with threads; timeouts still work through the threaded resolver.
        set(CURLOPT_NOSIGNAL, 1)
    }

    private var closed = false

    /// Frees the handle. A connection the handle owns (easy interface) gets its QUIT here; connections
    /// of a multi handle stay in that handle's cache.
    func close() {
        guard !closed else { return }
        closed = true
        curl_easy_cleanup(handle)
    }

    deinit {
        close()
        finishTransfer()
        errorBuffer.deallocate()
    }

    @discardableResult
    func set(_ option: CURLoption, _ value: Int) -> CURLcode {
        herald_curl_setopt_long(handle, option, value)
    }

    @discardableResult
    func set(_ option: CURLoption, _ value: String?) -> CURLcode {
        guard let value else { return herald_curl_setopt_pointer(handle, option, nil) }
        // libcurl copies string options, so the pointer only needs to live for this call.
        return value.withCString { herald_curl_setopt_pointer(handle, option, $0) }
    }

    /// Sets up one transfer, uploading `upload` (if any) to `recipients` (SMTP RCPT TO); run it with
    /// `curl_easy_perform` or a multi handle, then call `finish`.
    func prepare(upload: [UInt8]?, recipients: [String]) {
        errorBuffer[0] = 0
        var list: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { list = curl_slist_append(list, recipient) }
        recipientList = list
        herald_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, list)
        guard let upload else { return }
        let source = CurlUploadSource(bytes: upload)
        self.source = source
        set(CURLOPT_UPLOAD, 1)
        herald_curl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(upload.count))
        herald_curl_setopt_read_callback(handle, CurlUploadSource.read, Unmanaged.passUnretained(source).toOpaque())
    }

    /// Reads how the prepared transfer ended and releases what `prepare` allocated.
    func finish(_ code: CURLcode) -> CurlTransferResult {
        var response = 0
        herald_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &response)
        finishTransfer()
        return CurlTransferResult(
            code: Int(code.rawValue), responseCode: response, errorText: String(cString: errorBuffer))
    }

    /// Runs one transfer on the calling thread (blocking).
    func perform(upload: [UInt8]?, recipients: [String]) -> CurlTransferResult {
        prepare(upload: upload, recipients: recipients)
        return finish(curl_easy_perform(handle))
    }

    private func finishTransfer() {
        if !closed {
            herald_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
            herald_curl_setopt_read_callback(handle, nil, nil)
        }
        curl_slist_free_all(recipientList)
        recipientList = nil
        source = nil
    }
}

/// What a transfer ended with, in plain values so classification stays pure and testable.
struct CurlTransferResult: Sendable, Hashable {
    /// CURLcode; 0 is success.
    var code: Int
    /// The last SMTP reply code (CURLINFO_RESPONSE_CODE), 0 when there was none.
    var responseCode: Int
    /// libcurl's error buffer, e.g. `RCPT failed: 550`. Internal only: never copied into results.
    var errorText: String
}

/// The message bytes fed to libcurl's read callback.
final class CurlUploadSource {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    static let read: herald_curl_io_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        let source = Unmanaged<CurlUploadSource>.fromOpaque(userdata).takeUnretainedValue()
        let length = min(size * count, source.bytes.count - source.offset)
        guard length > 0 else { return 0 }
        source.bytes.withUnsafeBufferPointer { all in
            UnsafeMutableRawPointer(buffer).copyMemory(from: all.baseAddress! + source.offset, byteCount: length)
        }
        source.offset += length
        return length
    }
}
