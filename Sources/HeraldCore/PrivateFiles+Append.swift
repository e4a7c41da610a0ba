import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension PrivateFiles {
    /// Appends `line` to `file` in one `write` on an O_APPEND descriptor (whole lines even with several
    /// writers), creating the file 0600 if it does not exist. Never truncates: the file is append-only.
    public static func append(_ line: String, to file: URL) throws {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            throw HeraldError(code: "data_file_unwritable", message: "cannot open \(file.lastPathComponent) to append", statusCode: 500)
        }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw HeraldError(code: "data_file_unwritable", message: "cannot append to \(file.lastPathComponent)", statusCode: 500)
        }
    }
}
