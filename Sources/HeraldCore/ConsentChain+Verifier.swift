import Foundation

extension ConsentChain {
    public enum Verification: Sendable, Equatable {
        case ok(events: Int, headHash: String)
        case broken(eventId: Int64, index: Int, problem: String)
    }

    /// Walks events in id order, carrying the position across batches so a ledger streams through.
    ///
    /// An erased event (its digests kept, its clear fields gone) verifies by its digests; it must then be named
    /// by a later erasure event for the same tombstone, so nobody can blank an event, or move it to another
    /// contact, without breaking the chain.
    public struct Verifier: Sendable {
        public private(set) var count = 0
        public private(set) var head = ConsentChain.genesis
        public private(set) var failure: Verification?
        /// Erased events not yet accounted for by an erasure event: id → (position, tombstone).
        private var unexplained: [Int64: (index: Int, contactId: String)] = [:]

        public init() {}

        public mutating func feed(_ event: ConsentEvent) {
            guard failure == nil else { return }
            if event.prevHash != head {
                fail(event, "prev_hash does not match the event before it")
            } else if ConsentChain.hash(of: event) != event.hash || !(event.seal?.matches(event) ?? true) {
                fail(event, "hash does not match the event's content")
            } else if let problem = account(for: event) {
                fail(event, problem)
            } else {
                if event.seal?.isErased == true { unexplained[event.id] = (count, event.contactId) }
                head = event.hash
                count += 1
            }
        }

        public var result: Verification {
            if let failure { return failure }
            if let first = unexplained.min(by: { $0.key < $1.key }) {
                return .broken(
                    eventId: first.key, index: first.value.index, problem: "erased without an erasure event naming it")
            }
            return .ok(events: count, headHash: head)
        }

        private mutating func account(for event: ConsentEvent) -> String? {
            guard let erased = ConsentErasure.erasedEventIds(in: event) else { return nil }
            for id in erased {
                guard let pending = unexplained.removeValue(forKey: id), pending.contactId == event.contactId else {
                    return "erasure event names an event it did not erase"
                }
            }
            return nil
        }

        private mutating func fail(_ event: ConsentEvent, _ problem: String) {
            failure = .broken(eventId: event.id, index: count, problem: problem)
        }
    }
}

extension ConsentSeal {
    fileprivate func matches(_ event: ConsentEvent) -> Bool {
        version != ConsentSeal.digestVersion || matches(contactId: event.contactId, evidence: event.evidence)
    }
}
