import HeraldCore

extension CompliancePolicy {
    /// Rules 2 and 3: not opted out, and (marketing) consent granted. See `ConsentResolution` for scope.
    func checkConsent(_ input: PolicyInput, trace: inout [TraceStep]) -> SuppressionReason? {
        let events = input.facts.consents
        let purpose = input.job.purpose
        let resolution = ConsentResolution(
            events: events, channel: input.channel, purpose: purpose, topic: input.job.topic)
        let decider = resolution.decidingIndex.map { events[$0] }
        let described = decider.map(TraceText.describe) ?? ""

        if let decider, decider.status == .revoked {
            var detail = TraceText.join("revoked by ", resolution.tier?.rawValue ?? "", " record ", described)
            if resolution.overridden { detail += ", recorded after the topic-level grant" }
            trace.append(step(.optOut, "suppress", detail, event: decider.id))
            return .optedOut
        }
        let optOutDetail =
            decider == nil
            ? TraceText.join("no ledger record covers ", input.channel.rawValue)
            : TraceText.join("no revocation in force; deciding record ", described)
        trace.append(step(.optOut, "pass", optOutDetail, event: decider?.id))

        guard purpose == .marketing else {
            trace.append(step(.consent, "skip", "transactional: consent not required"))
            return nil
        }
        guard let decider else {
            let scope = input.job.topic.map { "\(input.channel.rawValue), topic \($0) or *" } ?? input.channel.rawValue
            trace.append(step(.consent, "suppress", "marketing needs a granted consent (\(scope)); none recorded"))
            return .noConsent
        }
        trace.append(
            step(
                .consent, "pass",
                TraceText.join("granted by ", resolution.tier?.rawValue ?? "", " record ", described),
                event: decider.id))
        return nil
    }
}
