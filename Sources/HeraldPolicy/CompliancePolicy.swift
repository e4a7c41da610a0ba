import Foundation
import HeraldCore

/// The compliance policy of SPEC §3 as a pure function of its input.
public struct CompliancePolicy: DeliveryPolicy {
    public var rules: PolicyRules

    public init(rules: PolicyRules) { self.rules = rules }

    public var capLookback: TimeInterval { 0 }

    public func decide(_ input: PolicyInput) -> PolicyDecision {
        fatalError("not yet implemented")
    }
}

/// The `policy:` section of the configuration plus `defaults:` the policy needs.
public struct PolicyRules: Sendable, Codable, Hashable {
    public init() {}
}
