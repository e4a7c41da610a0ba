import Foundation
import HeraldCore
import HeraldPolicy

/// Policy decisions per second on one core: a typical marketing send (consent on file, a zone, quiet
/// hours, two cap rules with recent sends) beside a transactional one (fewest rules) in the same run.
enum PolicyBench {
    static func rules() throws -> PolicyRules {
        let json = """
            {"quiet_hours": [{"purpose": "marketing", "channel": "*", "start": "21:00", "end": "09:00",
                              "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}],
             "caps": [{"purpose": "marketing", "channel": "*", "max": 3, "per": "24h", "on_exceed": "drop"},
                      {"purpose": "marketing", "channel": "sms", "max": 2, "per": "24h", "on_exceed": "defer"}]}
            """
        let section = try JSONDecoder().decode(PolicySection.self, from: Data(json.utf8))
        return PolicyRules(defaults: DefaultsSection(timezone: "Europe/London"), policy: section)
    }

    static func input(now: Date) -> PolicyInput {
        let contact = Fixtures.contact(7)
        let grant = ConsentEvent(id: 1, input: Fixtures.grant(contact.id, at: now.addingTimeInterval(-86_400 * 30)), recordedAt: now.addingTimeInterval(-86_400 * 30), prevHash: ConsentChain.genesis)
        let facts = ContactPolicyFacts(
            consents: [grant],
            recentSends: [SendRecord(channel: .email, purpose: .marketing, topic: nil, at: now.addingTimeInterval(-3600))])
        var job = Fixtures.job(key: "bench", ids: [contact.id], purpose: .marketing)
        job.topic = "newsletter"
        return PolicyInput(now: now, stage: .send, contact: contact, channel: .sms, job: job, facts: facts)
    }

    static func run(decisions: Int, rounds: Int) async throws -> [Row] {
        // 12:00 UTC, 12:00 in the contact's London: inside the send window, so the whole rule chain runs.
        let now = Date(timeIntervalSince1970: 1_795_435_200)
        let policy: any DeliveryPolicy = CompliancePolicy(rules: try rules())
        var transactional = input(now: now)
        transactional.job.purpose = .transactional
        let base = input(now: now)
        var realRates: [Double] = []
        var storedRates: [Double] = []
        var noopRates: [Double] = []
        var sent = 0
        var bytes = 0
        for _ in 0..<rounds {
            // As fan-out and claims use a decision: its trace written in the stored form at once.
            let stored = await Measure.seconds {
                for _ in 0..<decisions { bytes += TraceStep.encode(policy.decide(base).trace).utf8.count }
            }
            storedRates.append(Double(decisions) / stored)
            let real = await Measure.seconds {
                for _ in 0..<decisions where policy.decide(base).verdict == .send { sent += 1 }
            }
            let noop = await Measure.seconds {
                for _ in 0..<decisions where policy.decide(transactional).verdict == .send { sent += 1 }
            }
            realRates.append(Double(decisions) / real)
            noopRates.append(Double(decisions) / noop)
        }
        let verdict = policy.decide(base).verdict
        let real = Measure.median(realRates)
        let noopRate = Measure.median(noopRates)
        return [
            Row(scenario: "policy", metric: "decisions/s (one core)", median: real, unit: "/s",
                note: "marketing, verdict \(verdict), 9-step trace; \(sent) sends"),
            Row(scenario: "policy + stored trace", metric: "decisions/s (one core)", median: Measure.median(storedRates), unit: "/s",
                note: "the marketing decision above with its trace written in the stored form (TraceStep.encode), as fan-out and claims do; \(bytes / max(decisions * rounds, 1)) bytes each"),
            Row(scenario: "policy", metric: "decisions/s (one core)", median: noopRate, unit: "/s",
                note: "transactional (no consent, window or cap rules apply): \(String(format: "%.2f", real / noopRate))× of it for marketing")
        ]
    }
}
