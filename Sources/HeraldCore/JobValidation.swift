import Foundation

/// Intake checks for jobs (HTTP and CLI). A job that passes can be fanned out and rendered without surprises.
public enum JobValidation {
    /// Returns the job's compiled content (validating it compiles it).
    @discardableResult
    public static func validate(_ spec: JobSpec, smsMaxSegments: Int) throws(HeraldError) -> CompiledContent {
        guard !spec.idempotencyKey.isEmpty, spec.idempotencyKey.count <= 200 else {
            throw .invalid("idempotency_key", "must be 1–200 characters")
        }
        try Identifier.validateText(spec.idempotencyKey, field: "idempotency_key")
        if let topic = spec.topic {
            try Identifier.validate(topic, field: "topic", maxLength: Identifier.topicMaxLength)
        }
        switch (spec.audience.contactIds, spec.audience.segment) {
        case (let ids?, nil):
            guard !ids.isEmpty else { throw .invalid("audience.contact_ids", "must not be empty") }
            for (index, id) in ids.enumerated() {
                try Identifier.validate(id, field: "audience.contact_ids[\(index)]")
            }
        case (nil, let segment?):
            // At intake only: a job stored before this rule must still fan out.
            try Identifier.validateMessageText(segment, field: "audience.segment")
            _ = try SegmentExpression(parsing: segment)
        default:
            throw .invalid("audience", "give exactly one of contact_ids or segment")
        }
        guard !spec.channels.isEmpty else { throw .invalid("channels", "must list at least one channel kind") }
        guard Set(spec.channels).count == spec.channels.count else {
            throw .invalid("channels", "lists a channel kind twice")
        }
        for kind in spec.channels where !spec.content.has(kind) {
            throw .invalid("content.\(kind.rawValue)", "is required because channels lists \(kind.rawValue)", code: "missing_field")
        }
        let compiled = try ContentValidation.validate(spec.content, smsMaxSegments: smsMaxSegments)
        if let localTime = spec.localTime, !isWallClockTime(localTime) {
            throw .invalid("local_time", "must be HH:MM in 24-hour form")
        }
        if let expires = spec.expiresAt, let sendAt = spec.sendAt, expires <= sendAt {
            throw .invalid("expires_at", "must be after send_at")
        }
        if let priority = spec.priority, !(0...10).contains(priority) {
            throw .invalid("priority", "must be 0–10")
        }
        return compiled
    }

    public static func isWallClockTime(_ text: String) -> Bool {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]),
            let minute = Int(parts[1])
        else { return false }
        return (0..<24).contains(hour) && (0..<60).contains(minute)
    }
}
