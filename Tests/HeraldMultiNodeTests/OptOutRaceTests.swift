import Foundation
import Testing

/// The hostile tester's race, with real processes: revocations posted to either node while a rate-limited
/// marketing job is sending. Nothing may reach the channel after the revocation's 201. Part of the serialized
/// multi-node suite, so it never runs beside the other cluster tests.
extension MultiNodeTests {
    static let raceContacts = 400

    private struct RaceSent: Decodable {
        var contactId: String
        var at: String
        enum CodingKeys: String, CodingKey {
            case contactId = "contact_id"
            case at
        }
    }

    @Test("400 contacts, rate 20/s per node, revocations for the second half while sending: none sent after its 201")
    func nothingAfterAnAcknowledgedOptOut() async throws {
        let cluster = try HeraldCluster(
            nodes: 2, engine: "engine: {claim_batch_size: 200, send_lease_seconds: 30}",
            policy: "policy: {quiet_hours: [], caps: []}",
            channels: "- {id: log-sms, kind: sms, driver: log, rate: 20, options: {path: OUTBOX}}")
        defer { cluster.shutdown() }
        let key = try await cluster.prepare(contacts: Self.raceContacts)
        try await cluster.start()
        let ports = cluster.nodes.map(\.port)
        let ids = (0..<Self.raceContacts).map(HeraldCluster.contactId)
        try await Self.recordConsents(ids, status: "granted", ports: ports, key: key)

        let job = try await cluster.enqueue(key: "promo", purpose: "marketing", ids: ids)
        let outboxes = cluster.nodes.map(\.outboxPath)
        for _ in 0..<600 where outboxes.map(Outbox.lineCount).reduce(0, +) < 50 {
            try await Task.sleep(for: .milliseconds(20))
        }
        let late = Array(ids[(Self.raceContacts / 2)...])
        let acknowledged = try await Self.recordConsents(late, status: "revoked", ports: ports, key: key)

        let view = try await NodeHTTP.waitSettled(ports: ports, id: job, key: key, deadline: .seconds(180))
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var afterAck: [String] = []
        var sent = 0
        for path in outboxes {
            let data = FileManager.default.contents(atPath: path) ?? Data()
            for line in data.split(separator: UInt8(ascii: "\n")) {
                guard let entry = try? JSONDecoder().decode(RaceSent.self, from: Data(line)),
                    let at = parser.date(from: entry.at)
                else { continue }
                sent += 1
                if let ack = acknowledged[entry.contactId], at > ack { afterAck.append(entry.contactId) }
            }
        }
        print("opt-out race: \(sent) sent, \(view.byState["suppressed"] ?? 0) suppressed, \(afterAck.count) after the 201")
        #expect(afterAck.isEmpty)
        // The race was real: some of the revoked contacts were still waiting when their opt-out came.
        #expect((view.byState["suppressed"] ?? 0) > 0)
        #expect(sent + (view.byState["suppressed"] ?? 0) == Self.raceContacts)
    }

    /// Posts one ledger event per contact, alternating nodes, 8 at a time; returns when each was acknowledged.
    @discardableResult
    private static func recordConsents(_ ids: [String], status: String, ports: [Int], key: String) async throws -> [String: Date] {
        try await withThrowingTaskGroup(of: (String, Date).self) { group in
            var acknowledged: [String: Date] = [:]
            for (index, id) in ids.enumerated() {
                if index >= 8, let (done, at) = try await group.next() { acknowledged[done] = at }
                group.addTask {
                    let body = try JSONSerialization.data(withJSONObject: [
                        "contact_id": id, "channel": "*", "topic": "*", "status": status, "source": "test",
                    ])
                    let answer = try await NodeHTTP.request(
                        port: ports[index % ports.count], "POST", "/v1/consents", key: key, body: body)
                    guard answer.status == 201 else { throw ClusterError("consent for \(id) answered \(answer.status)") }
                    return (id, Date())
                }
            }
            for try await (done, at) in group { acknowledged[done] = at }
            return acknowledged
        }
    }
}
