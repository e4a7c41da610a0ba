import Foundation
import HeraldCore
import HeraldEngine
import HeraldPolicy

/// What a job would do, decided the way fan-out decides it, without writing anything: delivery counts by
/// state and suppression reason, and for the first few contacts the decision and the rendered content.
/// A delivery fan-out queues is re-checked when it is claimed, so caps that count this same job's other
/// channels (`strategy: all`) can suppress more than the dry run shows.
public enum JobDryRun {
    public struct Report: Encodable, Sendable {
        /// Audience members, unknown contact ids included.
        public var audience: Int
        public var deliveries: Int
        /// `queued` would be sent now, `scheduled` later, `suppressed` never.
        public var byState: [String: Int]
        public var bySuppressionReason: [String: Int]
        public var sample: [Sample]
    }

    public struct Sample: Encodable, Sendable {
        public var contactId: String
        public var locale: String?
        public var deliveries: [SampleDelivery]
    }

    public struct SampleDelivery: Encodable, Sendable {
        public var channel: ChannelKind
        public var state: DeliveryState
        public var reason: SuppressionReason?
        public var notBefore: Date?
        public var render: ChannelRender?
    }

    /// With the policy, SMS limit and public URL of a loaded configuration.
    public static func run(_ spec: JobSpec, store: any Store, config: LoadedConfig, now: Date, sampleSize: Int)
        async throws -> Report
    {
        try await run(
            spec, store: store, policy: CompliancePolicy(rules: try PolicySettings.rules(config)), now: now,
            smsMaxSegments: try PolicySettings.smsMaxSegments(config), publicBaseURL: config.publicURL,
            sampleSize: sampleSize)
    }

    public static func run(
        _ spec: JobSpec, store: any Store, policy: any DeliveryPolicy, now: Date, smsMaxSegments: Int,
        publicBaseURL: String, sampleSize: Int = 3, batchSize: Int = 1000
    ) async throws -> Report {
        let job = Job(id: 0, spec: spec, bodyHash: "", status: .accepted, createdAt: now)
        let planner = FanoutPlanner(policy: policy)
        let content = try CompiledContent(spec.content)
        let segment = try spec.audience.segment.map { source throws(HeraldError) in
            try SegmentExpression(parsing: source)
        }
        var report = Report(audience: 0, deliveries: 0, byState: [:], bySuppressionReason: [:], sample: [])
        var cursor: String?
        while true {
            let page = try await AudiencePage.next(
                spec, after: cursor, segment: segment, store: store, limit: batchSize)
            let facts = try await store.policyFacts(
                for: page.contacts, since: now.addingTimeInterval(-policy.capLookback))
            for contact in page.contacts {
                let rows = planner.plan(job: job, contact: contact, facts: facts[contact.id] ?? .init(), now: now)
                report.count(rows)
                if report.sample.count < sampleSize {
                    report.sample.append(
                        sample(contact, rows, content: content, smsMaxSegments: smsMaxSegments, baseURL: publicBaseURL))
                }
            }
            for id in page.unknownIds { report.count([planner.unknownContact(job: job, contactId: id, now: now)]) }
            report.audience += page.contacts.count + page.unknownIds.count
            cursor = page.cursor
            if page.finished { return report }
        }
    }

    private static func sample(
        _ contact: Contact, _ rows: [NewDelivery], content: CompiledContent, smsMaxSegments: Int, baseURL: String
    ) -> Sample {
        // Links are shown where they go; the token is signed only when the message is really sent.
        let links = TemplateLinks(unsubscribeURL: "\(baseURL)/u/<token>", preferencesURL: "\(baseURL)/p/<token>")
        let deliveries = rows.map { row in
            SampleDelivery(
                channel: row.channel, state: row.state, reason: row.reason,
                notBefore: row.state == .scheduled ? row.notBefore : nil,
                render: row.state == .suppressed
                    ? nil
                    : content.preview(row.channel, for: contact) { links }.map {
                        ChannelRender($0, smsMaxSegments: smsMaxSegments)
                    })
        }
        return Sample(contactId: contact.id, locale: contact.locale, deliveries: deliveries)
    }
}

extension JobDryRun.Report {
    mutating func count(_ rows: [NewDelivery]) {
        for row in rows {
            deliveries += 1
            byState[row.state.rawValue, default: 0] += 1
            if let reason = row.reason { bySuppressionReason[reason.rawValue, default: 0] += 1 }
        }
    }
}
