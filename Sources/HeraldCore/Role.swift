/// API key roles. `admin` may do everything.
public enum Role: String, Codable, Sendable, CaseIterable {
    case enqueue, ops, compliance, admin

    public func permits(_ required: Role) -> Bool { self == .admin || self == required }
}
