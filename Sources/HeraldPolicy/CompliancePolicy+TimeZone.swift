import HeraldCore

extension CompliancePolicy {
    /// The zone local-time rules use for this contact, or nil when `unknown_timezone: hold` applies.
    /// Order: the contact's own valid zone, then one inferred from its phone's country, then the
    /// configured default. Never a silent UTC: the trace always names the zone and the reason.
    func resolveZone(for contact: Contact, trace: inout [TraceStep]) -> ZonedClock? {
        var notes = ""
        if let identifier = contact.timezone {
            if let clock = zones.clock(for: identifier) {
                trace.append(step(.timezone, "pass", clock.contactReason))
                return clock
            }
            notes = "contact timezone \"\(identifier.prefix(64))\" is not a known zone; "
        }
        if let phone = contact.phone ?? contact.whatsapp {
            if let identifier = inferTimeZone(phone), let clock = zones.clock(for: identifier) {
                trace.append(
                    step(.timezone, "pass", notes + "\(identifier) (inferred from phone \(Redaction.mask(phone)))"))
                return clock
            }
            notes += "phone \(Redaction.mask(phone)) does not pin one zone; "
        } else {
            notes += "no phone to infer a zone from; "
        }
        switch rules.unknownTimezone {
        case .default:
            if let clock = zones.clock(for: rules.defaultTimezone) {
                trace.append(step(.timezone, "pass", notes + compiled.defaultZoneReason))
                return clock
            }
            trace.append(
                step(
                    .timezone, "suppress", notes + "configured default \"\(rules.defaultTimezone)\" is not a known zone"
                ))
            return nil
        case .hold:
            trace.append(step(.timezone, "suppress", notes + "unknown_timezone: hold"))
            return nil
        }
    }
}
