import Foundation

/// Why the last check before a send stopped a claimed message that no provider had seen yet: something a
/// person or an operator did after the claim, while the message waited for rate-limit tokens or a slot.
public enum LateStop: Sendable, Hashable {
    /// An opt-out recorded in the ledger after the claim.
    case revoked(eventId: Int64)
    /// `POST /v1/jobs/{id}/cancel` after the claim.
    case jobCancelled
    /// The contact was erased (or deleted) after the claim.
    case contactErased
    /// Every address the message would go to was put on the suppression list after the claim.
    case addressSuppressed

    public var reason: SuppressionReason {
        switch self {
        case .revoked: .optedOut
        // As erasure marks the contact's queued deliveries.
        case .jobCancelled, .contactErased: .cancelled
        case .addressSuppressed: .invalidAddress
        }
    }

    /// The trace step that explains it; no address or personal data.
    public func traceStep(at date: Date) -> TraceStep {
        let (rule, what) =
            switch self {
            case .revoked(let event): ("opt_out", "revoked by ledger event #\(event), recorded")
            case .jobCancelled: ("job", "the job was cancelled")
            case .contactErased: ("contact", "the contact was erased")
            case .addressSuppressed: ("address", "every address was suppressed")
            }
        return TraceStep(rule: rule, outcome: "suppress", detail: what + " after the claim; stopped before the send", at: date)
    }
}

/// What changed since a claim for the jobs, contacts and addresses of messages about to be sent. Empty when
/// nothing did, which the store can often tell from one counter (`ClaimDecisions.stopWatermark`).
public struct LateStopFacts: Sendable {
    public var cancelledJobs: Set<Int64>
    /// Contacts claimed that no longer exist: erased since.
    public var erasedContacts: Set<String>
    public var suppressedAddresses: Set<String>

    public init(
        cancelledJobs: Set<Int64> = [], erasedContacts: Set<String> = [], suppressedAddresses: Set<String> = []
    ) {
        self.cancelledJobs = cancelledJobs
        self.erasedContacts = erasedContacts
        self.suppressedAddresses = suppressedAddresses
    }

    /// The stop for one message, if any. Every address suppressed, as the claim's own check decides.
    public func stop(jobId: Int64, contactId: String, addresses: [String]) -> LateStop? {
        if cancelledJobs.contains(jobId) { return .jobCancelled }
        if erasedContacts.contains(contactId) { return .contactErased }
        if !addresses.isEmpty, addresses.allSatisfy(suppressedAddresses.contains) { return .addressSuppressed }
        return nil
    }
}

/// Everything the last check before a send reads, in one store read: ledger events recorded since the claim
/// for the chunk's contacts (ledger order), and the stops (`LateStopFacts`). `hold` was taken before the read:
/// the caller ends it once the admitted messages are handed to their driver (`SendHold`).
public struct LateChanges: Sendable {
    public var events: [ConsentEvent]
    public var stops: LateStopFacts
    public let hold: SendHold

    public init(events: [ConsentEvent] = [], stops: LateStopFacts = LateStopFacts(), hold: SendHold) {
        self.events = events
        self.stops = stops
        self.hold = hold
    }
}
