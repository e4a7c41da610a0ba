import Foundation
import HeraldCore

/// Ledger export lines and chain verification, shared by the HTTP API and the CLI.
public enum ConsentExport {
    public enum Format: String, Sendable {
        case ndjson, csv

        var contentType: String { self == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson" }
    }

    public static let csvHeader =
        "id,contact_id,channel,topic,status,source,evidence,actor,occurred_at,recorded_at,prev_hash,hash\n"

    public static func line(_ event: ConsentEvent, format: Format) throws -> String {
        switch format {
        case .ndjson:
            return String(decoding: try HeraldJSON.encoder().encode(event), as: UTF8.self) + "\n"
        case .csv:
            let evidence = try event.evidence.map { String(decoding: try HeraldJSON.encoder().encode($0), as: UTF8.self) } ?? ""
            let fields = [
                String(event.id), event.contactId, event.channel, event.topic, event.status.rawValue, event.source,
                evidence, event.actor ?? "", Timestamp.format(event.occurredAt), Timestamp.format(event.recordedAt),
                event.prevHash, event.hash,
            ]
            return fields.map(csvField).joined(separator: ",") + "\n"
        }
    }

    /// RFC 4180 quoting; a leading formula character is neutralised so spreadsheets do not execute it.
    static func csvField(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
