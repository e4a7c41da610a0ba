import Foundation
import HeraldCore
import HeraldStoreSQLite

/// `herald-bench consents`: a bulk consent import (`POST /v1/consents/batch`, `herald consents import`) into
/// SQLite — every event hashed into the chain with its evidence digests, all in one transaction — and the
/// `audit verify` walk over the result. Issue 17 asks for at least 50,000 events/s.
enum ConsentImportBench {
    static func run(events: Int, rounds: Int) async throws -> [Row] {
        let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
        let contacts = events / 2 + 1
        var inputs: [ConsentInput] = []
        inputs.reserveCapacity(events)
        for index in 0..<events {
            let evidence: JSONValue = ["ip": .string("203.0.113.\(index % 250)"), "form": "signup-v3"]
            let status: ConsentStatus = index % 7 == 0 ? .revoked : .granted
            inputs.append(
                ConsentInput(
                    contactId: "c\(index % contacts)", channel: index % 3 == 0 ? "sms" : "email",
                    topic: index % 5 == 0 ? "news" : "*", status: status, source: "import", evidence: evidence,
                    occurredAt: start.addingTimeInterval(Double(index))))
        }
        var importRates: [Double] = []
        var verifyRates: [Double] = []
        for round in 1...rounds {
            let directory = Measure.temporaryDirectory("consents-\(round)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path)
            try await store.migrate()
            let importSeconds = try await Measure.seconds {
                _ = try await store.importConsents(inputs, at: Date(), progress: nil)
            }
            var verified = 0
            let verifySeconds = try await Measure.seconds {
                if case .ok(let count, _) = try await LedgerAudit.verify(store).chain { verified = count }
            }
            guard verified == events else { throw HeraldBenchError("verify saw \(verified) of \(events) events") }
            importRates.append(Double(events) / importSeconds)
            verifyRates.append(Double(events) / verifySeconds)
            try await store.close()
        }
        return [
            Row(scenario: "consent import (SQLite)", metric: "events/s", median: Measure.median(importRates), unit: "/s",
                note: "\(events) events with evidence in one all-or-nothing import, chained in file order; median of \(rounds) (target ≥ 50,000)"),
            Row(scenario: "audit verify after the import (SQLite)", metric: "events/s", median: Measure.median(verifyRates), unit: "/s",
                note: "LedgerAudit.verify over the same \(events) events, pages of 2,000"),
        ]
    }
}
