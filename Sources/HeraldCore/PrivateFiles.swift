import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The data folder holds contacts, evidence and keys: the folder is 0700 and every file in it 0600, from
/// the moment it exists (created with that mode, never widened then narrowed).
public enum PrivateFiles {
    public static let folderMode: mode_t = 0o700
    public static let fileMode: mode_t = 0o600

    /// Creates `folder` (and missing parents, as `mkdir -p`) with mode 0700. A folder that already exists
    /// is left as it is (it may be the operator's own), but the files Herald keeps in it are still 0600.
    public static func prepareFolder(_ folder: URL) throws {
        let path = folder.path
        var isDirectory: ObjCBool = false
        guard !(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) else { return }
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard mkdir(path, folderMode) == 0 || errno == EEXIST else {
            throw HeraldError(code: "data_folder_unwritable", message: "cannot create the data folder \(path)", statusCode: 500)
        }
        _ = chmod(path, folderMode)  // mkdir's mode passes through the umask
    }

    /// Tightens `file` to 0600 if it exists (a file an older version left readable).
    public static func tighten(_ file: URL) {
        if FileManager.default.fileExists(atPath: file.path) { _ = chmod(file.path, fileMode) }
    }

    /// Creates `file` with mode 0600 if it does not exist, or tightens it to 0600 if it does.
    public static func ensureFile(_ file: URL) throws {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            throw HeraldError(code: "data_file_unwritable", message: "cannot create \(file.lastPathComponent)", statusCode: 500)
        }
        _ = fchmod(descriptor, fileMode)
        close(descriptor)
    }

    /// Writes a new file created 0600 in one step (no moment where it is readable by others); fails if it
    /// exists already.
    public static func createFile(_ file: URL, contents: Data) throws {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            throw HeraldError(code: "data_file_unwritable", message: "cannot create \(file.lastPathComponent)", statusCode: 500)
        }
        defer { close(descriptor) }
        _ = fchmod(descriptor, fileMode)
        let written = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == contents.count else {
            throw HeraldError(code: "data_file_unwritable", message: "cannot write \(file.lastPathComponent)", statusCode: 500)
        }
    }
}
