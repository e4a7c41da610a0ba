import HeraldCore

extension CompliancePolicy {
    /// Rules 2 and 3: not opted out, and (marketing) consent granted. See `ConsentResolution` for scope.
    func checkConsent(_ input: PolicyInput, trace: inout [TraceStep]) -> SuppressionReason? {
        let events = input.facts.consents
        let purpose = input.job.purpose
        let resolution = ConsentResolution(
            events: events, channel: input.channel, purpose: purpose, topic: input.job.topic)
        let topicTier = resolution.tier == .topic

        guard let decider = resolution.decidingIndex.map({ events[$0] }) else {
            trace.append(step(.optOut, "pass", TraceText.join("no ledger record covers ", input.channel.rawValue)))
            guard purpose == .marketing else { return skipConsent(&trace) }
            let scope = input.job.topic.map { "\(input.channel.rawValue), topic \($0) or *" } ?? input.channel.rawValue
            trace.append(step(.consent, "suppress", "marketing needs a granted consent (\(scope)); none recorded"))
            return .noConsent
        }
        if decider.status == .revoked {
            var detail = TraceText.describe(
                decider, after: topicTier ? "revoked by topic record " : "revoked by channel-wide record ")
            if resolution.overridden { detail += ", recorded after the topic-level grant" }
            trace.append(step(.optOut, "suppress", detail, event: decider.id))
            return .optedOut
        }
        let optOut = TraceText.describe(decider, after: "no revocation in force; deciding record ")
        trace.append(step(.optOut, "pass", optOut, event: decider.id))
        guard purpose == .marketing else { return skipConsent(&trace) }
        let granted = TraceText.describe(
            decider, after: topicTier ? "granted by topic record " : "granted by channel-wide record ")
        trace.append(step(.consent, "pass", granted, event: decider.id))
        return nil
    }

    private func skipConsent(_ trace: inout [TraceStep]) -> SuppressionReason? {
        trace.append(step(.consent, "skip", "transactional: consent not required"))
        return nil
    }
}
