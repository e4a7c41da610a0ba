import Foundation

/// Setting up work for a cluster through the CLI, as an operator would.
extension HeraldCluster {
    static func contactId(_ index: Int) -> String { String(format: "c%05d", index) }

    /// Migrates, creates an admin key and imports `contacts` contacts through the CLI; returns the key.
    func prepare(contacts count: Int) async throws -> String {
        try await cli(["migrate"])
        // The key is the last line printed (log lines, if any, come first).
        let printed = try await cli(["keys", "create", "--role", "admin"])
        let key = String(printed.split(separator: "\n").last ?? "").trimmingCharacters(in: .whitespaces)
        let contacts = (0..<count).map { index in
            "{\"id\":\"\(Self.contactId(index))\",\"timezone\":\"UTC\",\"phone\":\"+98912\(String(format: "%07d", index))\"}"
        }
        let file = directory.appendingPathComponent("contacts.ndjson")
        try contacts.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        try await cli(["contacts", "import", file.path])
        return key
    }

    /// The job body `enqueue` sends: one SMS to each of `ids`.
    static func jobBody(key: String, purpose: String, ids: [String]) -> [String: Any] {
        var job: [String: Any] = [
            "idempotency_key": key, "purpose": purpose, "audience": ["contact_ids": ids], "channels": ["sms"],
            "content": ["sms": ["text": "Hello from Herald"]],
        ]
        if purpose == "marketing" { job["topic"] = "news" }
        return job
    }

    /// `herald enqueue FILE`; returns the job id it prints.
    func enqueue(key: String, purpose: String, ids: [String]) async throws -> Int64 {
        let file = directory.appendingPathComponent("job-\(key).json")
        try JSONSerialization.data(withJSONObject: Self.jobBody(key: key, purpose: purpose, ids: ids)).write(to: file)
        let output = try await cli(["enqueue", file.path])
        let line = output.split(separator: "\n").first { $0.hasPrefix("job ") } ?? ""
        guard let id = line.split(separator: " ").dropFirst().first.flatMap({ Int64($0) }) else {
            throw ClusterError("unexpected enqueue output: \(output)")
        }
        return id
    }
}
