import Foundation

/// Reads many contacts from a JSON array or NDJSON (one contact per line), as the batch endpoint and
/// `herald contacts import` accept them.
public enum ContactBatch {
    public static func decode(_ data: Data) throws -> [Contact] {
        let decoder = HeraldJSON.decoder()
        let firstByte = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        var contacts: [Contact] = []
        if firstByte == UInt8(ascii: "[") {
            // A JSON array goes through the same emptiness and validation checks as NDJSON below.
            do {
                try JSONIntake.check(data)
                contacts = try decoder.decode([Contact].self, from: data)
            } catch {
                throw DecodingErrors.heraldError(error)
            }
        } else {
            contacts = try decodeLines(data, decoder: decoder)
        }
        guard !contacts.isEmpty else { throw HeraldError.invalid("body", "no contacts in the body", code: "empty_batch") }
        for (index, contact) in contacts.enumerated() {
            try ContactValidation.validate(contact, prefix: "[\(index)].")
        }
        return contacts
    }

    private static func decodeLines(_ data: Data, decoder: JSONDecoder) throws -> [Contact] {
        var contacts: [Contact] = []
        for (index, line) in data.split(separator: 0x0A).enumerated() {
            guard line.contains(where: { $0 != 0x20 && $0 != 0x0D }) else { continue }
            do {
                let record = Data(line)
                try JSONIntake.check(record, prefix: "[\(index)]")
                contacts.append(try decoder.decode(Contact.self, from: record))
            } catch {
                throw DecodingErrors.heraldError(error, prefix: "[\(index)]")
            }
        }
        return contacts
    }
}
