import HeraldCore

extension CompliancePolicy {
    /// Rules 2 and 3: not opted out, and (marketing) consent granted. See `ConsentResolution` for scope.
    func checkConsent(_ input: PolicyInput, trace: inout [TraceStep]) -> SuppressionReason? {
        let events = input.facts.consents
        let purpose = input.job.purpose
        let resolution = ConsentResolution(
            events: events, channel: input.channel, purpose: purpose, topic: input.job.topic)
        let topicTier = resolution.tier == .topic

        // The deciding record is read in place: copying a ConsentEvent retains its eight strings.
        guard let decider = resolution.decidingIndex else {
            trace.append(step(.optOut, "pass", TraceText.join("no ledger record covers ", input.channel.rawValue)))
            guard purpose == .marketing else { return skipConsent(&trace) }
            let scope = input.job.topic.map { "\(input.channel.rawValue), topic \($0) or *" } ?? input.channel.rawValue
            trace.append(step(.consent, "suppress", "marketing needs a granted consent (\(scope)); none recorded"))
            return .noConsent
        }
        let id = events[decider].id
        if events[decider].status == .revoked {
            var detail = TraceText.describe(
                events, at: decider, after: topicTier ? "revoked by topic record " : "revoked by channel-wide record ")
            if resolution.overridden { detail += ", recorded after the topic-level grant" }
            trace.append(step(.optOut, "suppress", detail, event: id))
            return .optedOut
        }
        let optOutPrefix = "no revocation in force; deciding record "
        guard purpose == .marketing else {
            trace.append(step(.optOut, "pass", TraceText.describe(events, at: decider, after: optOutPrefix), event: id))
            return skipConsent(&trace)
        }
        // Marketing quotes the record twice: each line is written whole, one allocation each.
        trace.append(step(.optOut, "pass", TraceText.describe(events, at: decider, after: optOutPrefix), event: id))
        let granted = TraceText.describe(
            events, at: decider, after: topicTier ? "granted by topic record " : "granted by channel-wide record ")
        trace.append(step(.consent, "pass", granted, event: id))
        return nil
    }

    private func skipConsent(_ trace: inout [TraceStep]) -> SuppressionReason? {
        trace.append(step(.consent, "skip", "transactional: consent not required"))
        return nil
    }
}
