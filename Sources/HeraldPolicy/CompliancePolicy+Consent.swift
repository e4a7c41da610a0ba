import HeraldCore

extension CompliancePolicy {
    /// Rules 2 and 3: not opted out, and (marketing) consent granted. See `ConsentResolution` for scope.
    func checkConsent(_ input: PolicyInput, trace: inout [TraceStep]) -> SuppressionReason? {
        let events = input.facts.consents
        let purpose = input.job.purpose
        let resolution = ConsentResolution(
            events: events, channel: input.channel, purpose: purpose, topic: input.job.topic)
        let topicTier = resolution.tier == .topic

        // The deciding record is quoted from the facts in place (`TraceWording.consentRecord`): copying a
        // ConsentEvent retains its eight strings, and the line is written only when the trace is stored.
        guard let decider = resolution.decidingIndex else {
            trace.append(step(.optOut, "pass", TraceText.join("no ledger record covers ", input.channel.rawValue)))
            guard purpose == .marketing else { return skipConsent(&trace) }
            let scope = input.job.topic.map { "\(input.channel.rawValue), topic \($0) or *" } ?? input.channel.rawValue
            trace.append(step(.consent, "suppress", "marketing needs a granted consent (\(scope)); none recorded"))
            return .noConsent
        }
        let id = events[decider].id
        if events[decider].status == .revoked {
            var wording = TraceWording.consentRecord(
                prefix: topicTier ? "revoked by topic record " : "revoked by channel-wide record ", events: events,
                index: decider)
            if resolution.overridden { wording = .text(wording.text + ", recorded after the topic-level grant") }
            trace.append(step(.optOut, "suppress", wording, event: id))
            return .optedOut
        }
        let deciding = TraceWording.consentRecord(
            prefix: "no revocation in force; deciding record ", events: events, index: decider)
        trace.append(step(.optOut, "pass", deciding, event: id))
        guard purpose == .marketing else { return skipConsent(&trace) }
        let granted = TraceWording.consentRecord(
            prefix: topicTier ? "granted by topic record " : "granted by channel-wide record ", events: events, index: decider)
        trace.append(step(.consent, "pass", granted, event: id))
        return nil
    }

    private func skipConsent(_ trace: inout [TraceStep]) -> SuppressionReason? {
        trace.append(step(.consent, "skip", "transactional: consent not required"))
        return nil
    }
}
