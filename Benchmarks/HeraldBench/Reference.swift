import Foundation

/// Bare SQLite doing the same row work from Python's sqlite3 (Benchmarks/reference_sqlite.py),
/// measured in the same run so ratios survive this machine's noise.
enum Reference {
    static func rowsPerSecond(_ mode: String, rows: Int) -> Double? {
        var script = URL(fileURLWithPath: #filePath)
        script.deleteLastPathComponent()
        script.deleteLastPathComponent()
        script.appendPathComponent("reference_sqlite.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, mode, String(rows)]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
