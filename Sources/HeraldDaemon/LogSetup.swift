import Foundation
import Logging

public enum LogSetup {
    /// Installs the process-wide log handler once; `level` comes from config or `HERALD_LOG_LEVEL`.
    /// JSON lines when stdout is not a terminal (a collector reads them), readable text on a terminal.
    public static func bootstrap(level: String?) -> Logger {
        let resolved = level.flatMap(Logger.Level.init(rawValue:)) ?? .info
        let json = isatty(STDOUT_FILENO) == 0
        LoggingSystem.bootstrap { label in
            if json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = resolved
                return handler
            }
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = resolved
            return handler
        }
        return Logger(label: "herald")
    }
}
