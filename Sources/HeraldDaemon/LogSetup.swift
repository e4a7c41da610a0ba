import Logging

public enum LogSetup {
    /// Installs the process-wide log handler once; `level` comes from config or `HERALD_LOG_LEVEL`.
    public static func bootstrap(level: String?) -> Logger {
        let resolved = level.flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = resolved
            return handler
        }
        return Logger(label: "herald")
    }
}
