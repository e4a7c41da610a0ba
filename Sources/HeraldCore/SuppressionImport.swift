import Foundation

/// Reads a suppression import file: one address per line, or NDJSON lines `{"address", "reason"?, "note"?}`
/// (the two may be mixed). Blank lines and lines starting with `#` are skipped. Every line is checked
/// before anything is written; a bad one is reported by its 1-based line number, never by its content.
public enum SuppressionImport {
    public static func parse(_ data: Data, defaultReason: String, defaultNote: String? = nil) throws(HeraldError)
        -> [SuppressionEntry]
    {
        try SuppressionAddress.validateReason(defaultReason)
        var entries: [SuppressionEntry] = []
        var number = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            guard let text = String(data: Data(line), encoding: .utf8) else {
                throw .invalid("line \(number)", "is not UTF-8")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do {
                entries.append(try entry(trimmed, defaultReason: defaultReason, defaultNote: defaultNote))
            } catch {
                throw HeraldError(
                    code: error.code, message: (error.field.map { "\($0): " } ?? "") + error.message,
                    field: "line \(number)")
            }
        }
        guard !entries.isEmpty else { throw .invalid("body", "no addresses in the file", code: "empty_batch") }
        return entries
    }

    private struct Line: Decodable {
        var address: String
        var reason: String?
        var note: String?
    }

    private static func entry(_ text: String, defaultReason: String, defaultNote: String?) throws(HeraldError)
        -> SuppressionEntry
    {
        guard text.hasPrefix("{") else {
            return SuppressionEntry(
                address: try SuppressionAddress.normalize(text), reason: defaultReason, note: defaultNote)
        }
        let line: Line
        do {
            line = try HeraldJSON.decoder().decode(Line.self, from: Data(text.utf8))
        } catch {
            throw DecodingErrors.heraldError(error)
        }
        let reason = line.reason ?? defaultReason
        try SuppressionAddress.validateReason(reason)
        if let note = line.note, note.count > 500 { throw .invalid("note", "must be at most 500 characters") }
        return SuppressionEntry(
            address: try SuppressionAddress.normalize(line.address), reason: reason, note: line.note ?? defaultNote)
    }
}
