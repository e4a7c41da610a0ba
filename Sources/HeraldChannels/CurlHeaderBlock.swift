import CCurl

/// A request's header lines as a `curl_slist` laid out in one allocation: the nodes first, then the
/// NUL-terminated lines. `curl_slist_append` would cost two allocations per line per request.
/// libcurl only reads the list, and only until the transfer ends; `deallocate()` frees it then.
struct CurlHeaderBlock {
    let list: UnsafeMutablePointer<curl_slist>?
    private let storage: UnsafeMutableRawPointer?

    /// `headers` as "Name: value" ("Name;" when empty: "Name:" would tell libcurl to drop the header),
    /// then each of `directives` verbatim (e.g. "Expect:" to drop one of libcurl's own headers).
    init(headers: [PreparedRequest.Header], directives: [StaticString]) {
        let count = headers.count + directives.count
        guard count > 0 else {
            (list, storage) = (nil, nil)
            return
        }
        let nodeBytes = count * MemoryLayout<curl_slist>.stride
        var textBytes = directives.reduce(0) { $0 + $1.utf8CodeUnitCount + 1 }
        for header in headers { textBytes += header.name.utf8.count + header.value.utf8.count + 3 }
        let storage = UnsafeMutableRawPointer.allocate(
            byteCount: nodeBytes + textBytes, alignment: MemoryLayout<curl_slist>.alignment)
        let nodes = storage.bindMemory(to: curl_slist.self, capacity: count)
        var writer = Writer(cursor: (storage + nodeBytes).bindMemory(to: CChar.self, capacity: textBytes))
        var index = 0
        func link(_ line: UnsafeMutablePointer<CChar>) {
            (nodes + index).initialize(to: curl_slist(data: line, next: index + 1 < count ? nodes + index + 1 : nil))
            index += 1
        }
        for header in headers {
            let line = writer.cursor
            writer.append(header.name.utf8)
            if header.value.isEmpty {
                writer.append(";".utf8)
            } else {
                writer.append(": ".utf8)
                writer.append(header.value.utf8)
            }
            writer.terminate()
            link(line)
        }
        for directive in directives {
            let line = writer.cursor
            writer.append(UnsafeBufferPointer(start: directive.utf8Start, count: directive.utf8CodeUnitCount))
            writer.terminate()
            link(line)
        }
        self.list = nodes
        self.storage = storage
    }

    func deallocate() {
        storage?.deallocate()
    }

    private struct Writer {
        var cursor: UnsafeMutablePointer<CChar>

        mutating func append(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                cursor.pointee = CChar(bitPattern: byte)
                cursor += 1
            }
        }

        mutating func terminate() {
            cursor.pointee = 0
            cursor += 1
        }
    }
}
