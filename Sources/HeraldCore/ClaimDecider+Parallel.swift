import Dispatch
import Synchronization

extension ClaimDecider {
    /// `decide` on two threads: a claim decides inside the store's write transaction, and on SQLite that
    /// transaction is the one writer every claim and outcome waits for, while the other core is often idle.
    /// Each contact's rows stay together and in order, so a send still counts toward that contact's caps for
    /// its later rows; the verdicts come back in due order. Small batches are decided on the caller's thread.
    public func decideInParallel(
        _ due: [DueDelivery], contacts: [String: Contact], facts: [String: ContactPolicyFacts]
    ) throws -> ClaimDecisions {
        guard due.count >= Self.parallelMinimum else { return try decide(due, contacts: contacts, facts: facts) }
        var split: [[DueDelivery]] = [[], []]
        for row in due { split[row.contactId.hashValue & 1].append(row) }
        let halves = split
        let results = Mutex<[Result<ClaimDecisions, any Error>?]>([nil, nil])
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let result = Result { try decide(halves[half], contacts: contacts, facts: facts) }
            results.withLock { $0[half] = result }
        }
        var merged = ClaimDecisions()
        for result in results.withLock({ $0 }) {
            guard let decisions = try result?.get() else { continue }
            merged.sends += decisions.sends
            merged.deferrals += decisions.deferrals
            merged.suppressions += decisions.suppressions
        }
        var position: [Int64: Int] = [:]
        position.reserveCapacity(due.count)
        for (index, row) in due.enumerated() { position[row.id] = index }
        merged.sends.sort { position[$0.delivery.deliveryId, default: 0] < position[$1.delivery.deliveryId, default: 0] }
        merged.deferrals.sort { position[$0.deliveryId, default: 0] < position[$1.deliveryId, default: 0] }
        merged.suppressions.sort { position[$0.deliveryId, default: 0] < position[$1.deliveryId, default: 0] }
        return merged
    }

    /// Below this many rows the hand-off to a second thread costs more than it saves.
    static let parallelMinimum = 128
}
