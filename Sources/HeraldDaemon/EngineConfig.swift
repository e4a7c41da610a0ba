import Foundation
import HeraldEngine

/// The `engine:` section: queue tunables. Every key is optional; the defaults suit one node.
/// Short leases make a crashed node's work come back sooner, at the price of more lease renewals.
public struct EngineConfig: Sendable, Codable {
    public var sendLeaseSeconds: Double?
    public var fanoutLeaseSeconds: Double?
    public var claimBatchSize: Int?
    public var fanoutBatchSize: Int?

    enum CodingKeys: String, CodingKey {
        case sendLeaseSeconds = "send_lease_seconds"
        case fanoutLeaseSeconds = "fanout_lease_seconds"
        case claimBatchSize = "claim_batch_size"
        case fanoutBatchSize = "fanout_batch_size"
    }

    public init() {}

    /// Engine settings with this section's values over the defaults (send lease 120 s, fan-out lease 60 s).
    public func settings(publicBaseURL: String, unsubscribeSecret: [UInt8]) -> EngineSettings {
        var settings = EngineSettings(publicBaseURL: publicBaseURL, unsubscribeSecret: unsubscribeSecret)
        if let sendLeaseSeconds, sendLeaseSeconds > 0 { settings.sendLease = sendLeaseSeconds }
        if let fanoutLeaseSeconds, fanoutLeaseSeconds > 0 { settings.fanoutLease = fanoutLeaseSeconds }
        if let claimBatchSize, claimBatchSize > 0 { settings.claimBatchSize = claimBatchSize }
        if let fanoutBatchSize, fanoutBatchSize > 0 { settings.fanoutBatchSize = fanoutBatchSize }
        return settings
    }
}
