import Foundation
import HeraldEngine

/// The `engine:` section: queue tunables. Every key is optional; the defaults suit one node.
/// Short leases make a crashed node's work come back sooner, at the price of more lease renewals.
public struct EngineConfig: Sendable, Codable {
    public var sendLeaseSeconds: Double?
    public var fanoutLeaseSeconds: Double?
    public var claimBatchSize: Int?
    public var fanoutBatchSize: Int?
    /// Unique per running node; defaults to an id generated once in the data folder.
    public var nodeId: String?
    /// `contact_ids` audiences up to this size are fanned out at intake (default 100; 0 turns it off).
    public var inlineFanoutMax: Int?
    /// Due work of at least this priority has its own dispatch loop (default 5: transactional).
    public var expressPriority: Int?

    enum CodingKeys: String, CodingKey {
        case sendLeaseSeconds = "send_lease_seconds"
        case fanoutLeaseSeconds = "fanout_lease_seconds"
        case claimBatchSize = "claim_batch_size"
        case fanoutBatchSize = "fanout_batch_size"
        case nodeId = "node_id"
        case inlineFanoutMax = "inline_fanout_max"
        case expressPriority = "express_priority"
    }

    public init() {}

    /// Engine settings with this section's values over the defaults (send lease 120 s, fan-out lease 60 s).
    public func settings(publicBaseURL: String, unsubscribeSecret: [UInt8]) -> EngineSettings {
        var settings = EngineSettings(publicBaseURL: publicBaseURL, unsubscribeSecret: unsubscribeSecret)
        if let sendLeaseSeconds, sendLeaseSeconds > 0 { settings.sendLease = sendLeaseSeconds }
        if let fanoutLeaseSeconds, fanoutLeaseSeconds > 0 { settings.fanoutLease = fanoutLeaseSeconds }
        if let claimBatchSize, claimBatchSize > 0 { settings.claimBatchSize = claimBatchSize }
        if let fanoutBatchSize, fanoutBatchSize > 0 { settings.fanoutBatchSize = fanoutBatchSize }
        if let inlineFanoutMax, inlineFanoutMax >= 0 { settings.inlineFanoutMax = inlineFanoutMax }
        if let expressPriority, (0...10).contains(expressPriority) { settings.expressPriority = expressPriority }
        return settings
    }
}
