import Foundation
import HeraldCore
import Logging
import Synchronization

/// One JSON object per line: `ts`, `level`, `logger`, `msg` and the metadata keys flattened (`job.id`,
/// `delivery.id`, `channel.id`…). What `herald serve` writes when stdout is not a terminal.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let write: @Sendable (String) -> Void

    public init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardOutput) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged { fields[key] = "\(value)" }
        fields["ts"] = Timestamp.format(Date())
        fields["level"] = event.level.rawValue
        fields["logger"] = label
        fields["msg"] = "\(event.message)"
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    private static let lock = Mutex(())

    /// Writes whole lines so concurrent log calls never interleave inside one.
    @Sendable public static func standardOutput(_ line: String) {
        lock.withLock { _ in
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
