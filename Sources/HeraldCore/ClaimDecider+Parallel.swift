extension ClaimDecider {
    /// `decide` on two threads: a claim decides inside the store's write transaction, and on SQLite that
    /// transaction is the one writer every claim and outcome waits for, while the other core is often idle.
    /// Each contact's rows stay together and in order, so a send still counts toward that contact's caps for
    /// its later rows; the verdicts come back in due order. Small batches are decided on the caller's thread.
    public func decideInParallel(
        _ due: [DueDelivery], contacts: [String: Contact], facts: [String: ContactPolicyFacts]
    ) throws -> ClaimDecisions {
        guard due.count >= Self.parallelMinimum else { return try decide(due, contacts: contacts, facts: facts) }
        // Each job's spec is decoded once, here and in due order: a spec that no longer decodes fails the claim
        // with the same error `decide` gives, and the halves only read the cache.
        var jobs = Set<Int64>()
        for row in due where jobs.insert(row.jobId).inserted { _ = try specs.spec(jobId: row.jobId, json: row.specJSON) }

        // A new contact goes to the half with fewer rows so far: balanced, and the same split on every run.
        var sides: [Int] = []
        sides.reserveCapacity(due.count)
        var sideOfContact: [String: Int] = [:]
        var split: [[DueDelivery]] = [[], []]
        for row in due {
            let side = sideOfContact[row.contactId] ?? (split[0].count <= split[1].count ? 0 : 1)
            sideOfContact[row.contactId] = side
            sides.append(side)
            split[side].append(row)
        }
        let halves = split
        let decided = try TwoThreads.run { try decide(halves[$0], contacts: contacts, facts: facts) }
        return Self.merge(decided, sides: sides, due: due)
    }

    /// Every row has exactly one verdict in its half, and each half's verdicts are in due order: one walk over
    /// the due rows takes them back in order.
    private static func merge(_ halves: [ClaimDecisions], sides: [Int], due: [DueDelivery]) -> ClaimDecisions {
        var merged = ClaimDecisions()
        merged.sends.reserveCapacity(halves[0].sends.count + halves[1].sends.count)
        var next = [(send: 0, deferral: 0, suppression: 0), (send: 0, deferral: 0, suppression: 0)]
        for (row, side) in zip(due, sides) {
            let half = halves[side]
            if next[side].send < half.sends.count, half.sends[next[side].send].delivery.deliveryId == row.id {
                merged.sends.append(half.sends[next[side].send])
                next[side].send += 1
            } else if next[side].deferral < half.deferrals.count, half.deferrals[next[side].deferral].deliveryId == row.id {
                merged.deferrals.append(half.deferrals[next[side].deferral])
                next[side].deferral += 1
            } else if next[side].suppression < half.suppressions.count,
                half.suppressions[next[side].suppression].deliveryId == row.id
            {
                merged.suppressions.append(half.suppressions[next[side].suppression])
                next[side].suppression += 1
            }
        }
        precondition(
            merged.sends.count + merged.deferrals.count + merged.suppressions.count == due.count,
            "a due row lost its verdict")
        return merged
    }

    /// Below this many rows the hand-off to a second thread costs more than it saves.
    static let parallelMinimum = 128
}
