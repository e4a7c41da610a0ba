import Foundation

/// psql from the PostgreSQL the test server runs on: test schemas, and raw SQL from an outside writer.
public enum Psql {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `sql` against `url` (libpq reads the same postgres:// URL, sslmode included).
    public static func run(_ url: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path())
        process.arguments = [url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        // DROP … CASCADE lists every table it drops as a NOTICE; only warnings and errors are worth reading.
        var environment = ProcessInfo.processInfo.environment
        environment["PGOPTIONS"] = "-c client_min_messages=warning"
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "psql exited with \(process.terminationStatus) on: \(sql)")
        }
    }

    private static func path() throws -> String {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let candidates =
            versions.sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { "/usr/lib/postgresql/\($0)/bin/psql" } + ["/usr/bin/psql"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "psql not found; run scripts/setup.sh")
        }
        return path
    }
}
