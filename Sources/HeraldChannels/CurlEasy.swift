import CCurl
import CCurlShim
import Dispatch

/// One libcurl easy handle and the serial queue its blocking calls run on. libcurl keeps the
/// handle's connection open between transfers, so reusing the handle reuses the SMTP session.
/// Not thread-safe by itself: `CurlHandlePool` lends it to one transfer at a time, and every call
/// into libcurl happens on `queue`.
final class CurlEasy: @unchecked Sendable {
    /// curl_global_init is not thread-safe; a static let runs it exactly once, before the first handle.
    private static let globalInit: CURLcode = herald_curl_global_init()

    let queue: DispatchQueue
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?(label: String) {
        guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.queue = DispatchQueue(label: label)
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        herald_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        // Signals do not mix with threads; timeouts still work through the threaded resolver.
        set(CURLOPT_NOSIGNAL, 1)
    }

    private var closed = false

    /// Sends QUIT on an open SMTP connection and frees the handle. Blocking: call on `queue`.
    func close() {
        guard !closed else { return }
        closed = true
        curl_easy_cleanup(handle)
    }

    deinit {
        close()
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

    /// Runs one transfer, uploading `upload` (if any) and sending to `recipients` (SMTP RCPT TO).
    /// Blocking: call on `queue` only.
    func perform(upload: [UInt8]?, recipients: [String]) -> CurlTransferResult {
        errorBuffer[0] = 0
        var list: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { list = curl_slist_append(list, recipient) }
        defer {
            herald_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
            curl_slist_free_all(list)
        }
        herald_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, list)

        let source = CurlUploadSource(bytes: upload ?? [])
        let code: CURLcode = withExtendedLifetime(source) {
            if upload != nil {
                set(CURLOPT_UPLOAD, 1)
                herald_curl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(source.bytes.count))
                herald_curl_setopt_read_callback(
                    handle, CurlUploadSource.read, Unmanaged.passUnretained(source).toOpaque())
            }
            return curl_easy_perform(handle)
        }
        var response = 0
        herald_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &response)
        return CurlTransferResult(
            code: Int(code.rawValue), responseCode: response, errorText: String(cString: errorBuffer))
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
