import CCurl
import CCurlShim

/// One HTTP/1.1 request on a pooled easy handle: sets method, URL, headers, body and deadline, and
/// collects the status, the response headers the caller asked for (names lower-cased) and up to
/// `maxBodyBytes` of body. `completion` runs once, on the loop thread, with the outcome (nil when the
/// transfer never ran) and the time from the transfer's start to its end.
final class CurlHTTPJob: CurlJob, @unchecked Sendable {
    typealias Outcome = Result<ProviderResponse, CurlHTTPError>

    static let maxBodyBytes = 1 << 20

    private let request: PreparedRequest
    private let timeoutMilliseconds: Int
    /// Lower-cased names of the response headers worth keeping (a profile reads Retry-After, say).
    private let keptHeaders: [String]
    private let completion: @Sendable (Outcome?, Duration) -> Void
    private var startedAt: ContinuousClock.Instant?
    // Filled on the loop thread while the transfer runs.
    private var headerBlock: CurlHeaderBlock?
    private var body: [UInt8] = []
    private var bodyTooLarge = false

    init(
        request: PreparedRequest, timeoutMilliseconds: Int, keptHeaders: [String],
        completion: @escaping @Sendable (Outcome?, Duration) -> Void
    ) {
        self.request = request
        self.timeoutMilliseconds = timeoutMilliseconds
        self.keptHeaders = keptHeaders
        self.completion = completion
    }

    func start(on easy: CurlEasy) {
        startedAt = .now
        easy.set(CURLOPT_URL, request.url)
        switch (request.method, request.body) {
        case ("GET", nil):
            easy.set(CURLOPT_HTTPGET, 1)
            easy.set(CURLOPT_CUSTOMREQUEST, nil as String?)
        case ("POST", _):
            setBody(request.body ?? [], on: easy)
            easy.set(CURLOPT_CUSTOMREQUEST, nil as String?)
        default:
            if let body = request.body { setBody(body, on: easy) } else { easy.set(CURLOPT_HTTPGET, 1) }
            easy.set(CURLOPT_CUSTOMREQUEST, request.method)
        }
        let hasContentType = request.headers.contains {
            $0.name.utf8.elementsEqual("content-type".utf8) { lower($0) == $1 }
        }
        // No `Expect: 100-continue` round trip for larger bodies, and no made-up form Content-Type.
        let block = CurlHeaderBlock(
            headers: request.headers,
            directives: request.body != nil && !hasContentType ? ["Expect:", "Content-Type:"] : ["Expect:"])
        headerBlock = block
        herald_curl_setopt_slist(easy.handle, CURLOPT_HTTPHEADER, block.list)
        easy.set(CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        let me = Unmanaged.passUnretained(self).toOpaque()
        herald_curl_setopt_write_callback(easy.handle, Self.receiveBody, me)
    }

    func complete(on easy: CurlEasy?, code: CURLcode) {
        let latency = startedAt.map { .now - $0 } ?? .zero
        guard let easy else { return completion(nil, latency) }
        var status = 0
        herald_curl_getinfo_long(easy.handle, CURLINFO_RESPONSE_CODE, &status)
        herald_curl_setopt_slist(easy.handle, CURLOPT_HTTPHEADER, nil)
        headerBlock?.deallocate()
        headerBlock = nil
        herald_curl_setopt_write_callback(easy.handle, Self.receiveBody, nil)
        guard code == CURLE_OK else {
            let error = CurlHTTPError(curlCode: Int(code.rawValue), bodyTooLarge: bodyTooLarge)
            return completion(.failure(error), latency)
        }
        let response = ProviderResponse(status: status, lowercasedHeaders: keptHeaders(of: easy), body: body)
        completion(.success(response), latency)
    }

    /// The wanted headers of the last response (after redirects), read from libcurl's own header store
    /// once the transfer is done: cheaper than a callback per header line of every response.
    private func keptHeaders(of easy: CurlEasy) -> [String: String] {
        var kept: [String: String] = [:]
        for name in keptHeaders {
            var header: UnsafeMutablePointer<curl_header>?
            guard curl_easy_header(easy.handle, name, 0, UInt32(CURLH_HEADER), -1, &header) == CURLHE_OK,
                let value = header?.pointee.value
            else { continue }
            kept[name] = String(cString: value)
        }
        return kept
    }

    private func setBody(_ bytes: [UInt8], on easy: CurlEasy) {
        // libcurl copies the body, so the bytes need not outlive this call.
        herald_curl_setopt_off_t(easy.handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
        bytes.withUnsafeBufferPointer { bytes in
            _ = herald_curl_setopt_pointer(easy.handle, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress)
        }
    }

    /// Appends body bytes; returning less than given makes libcurl stop with CURLE_WRITE_ERROR.
    private static let receiveBody: herald_curl_io_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        let job = Unmanaged<CurlHTTPJob>.fromOpaque(userdata).takeUnretainedValue()
        let length = size * count
        guard job.body.count + length <= maxBodyBytes else {
            job.bodyTooLarge = true
            return 0
        }
        job.body.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
        return length
    }
}

private func lower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
}
