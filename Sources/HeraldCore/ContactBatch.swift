import Foundation

/// Reads many contacts from a JSON array or NDJSON (one contact per line), as the batch endpoint and
/// `herald contacts import` accept them.
public enum ContactBatch {
    public static func decode(_ data: Data) throws -> [Contact] {
        let decoder = HeraldJSON.decoder()
        let firstByte = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        // Each contact with the position an error names: its index in an array, its line (from 0) in NDJSON.
        var records: [(position: Int, contact: Contact)] = []
        if firstByte == UInt8(ascii: "[") {
            // A JSON array goes through the same emptiness and validation checks as NDJSON below.
            do {
                try JSONIntake.check(data)
                records = try decoder.decode([Contact].self, from: data).enumerated().map { ($0.offset, $0.element) }
            } catch {
                throw DecodingErrors.heraldError(error)
            }
        } else {
            records = try decodeLines(data, decoder: decoder)
        }
        guard !records.isEmpty else { throw HeraldError.invalid("body", "no contacts in the body", code: "empty_batch") }
        for (position, contact) in records {
            try ContactValidation.validate(contact, prefix: "[\(position)].")
        }
        return records.map(\.contact)
    }

    /// Lines are counted blank ones included, so "[4]" is the fifth line of the file.
    private static func decodeLines(_ data: Data, decoder: JSONDecoder) throws -> [(position: Int, contact: Contact)] {
        var records: [(position: Int, contact: Contact)] = []
        for (index, line) in NDJSONLines.records(data) {
            do {
                let record = Data(line)
                try JSONIntake.check(record, prefix: "[\(index)]")
                records.append((index, try decoder.decode(Contact.self, from: record)))
            } catch {
                throw DecodingErrors.heraldError(error, prefix: "[\(index)]")
            }
        }
        return records
    }
}
