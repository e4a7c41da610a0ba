import Foundation

/// Reads a bulk consent import: NDJSON, one `POST /v1/consents` body per line, each with its original
/// `occurred_at`. Every line is checked before anything is written; the first bad one is reported by its
/// 1-based line number (`field: "line 5000"`), with the offending field in the message and no values.
public enum ConsentBatch {
    public static func decode(_ data: Data, now: Date, defaultActor: String) throws(HeraldError) -> [ConsentInput] {
        let decoder = HeraldJSON.decoder()
        var inputs: [ConsentInput] = []
        for (index, line) in NDJSONLines.records(data) {
            do {
                inputs.append(try input(Data(line), decoder: decoder, now: now, defaultActor: defaultActor))
            } catch {
                throw HeraldError(
                    code: error.code, message: (error.field.map { "\($0): " } ?? "") + error.message,
                    field: "line \(index + 1)")
            }
        }
        guard !inputs.isEmpty else { throw .invalid("body", "no consent events in the body", code: "empty_batch") }
        return inputs
    }

    private static func input(_ line: Data, decoder: JSONDecoder, now: Date, defaultActor: String) throws(HeraldError)
        -> ConsentInput
    {
        let body: ConsentBody
        do {
            try JSONIntake.check(line)
            body = try decoder.decode(ConsentBody.self, from: line)
        } catch {
            throw DecodingErrors.heraldError(error)
        }
        // An import carries history: the time it happened is the evidence, so it may not be left to "now".
        guard body.occurredAt != nil else {
            throw .invalid("occurred_at", "is required in an import", code: "missing_field")
        }
        return try body.validated(now: now, defaultActor: defaultActor)
    }
}
