import HeraldCore

/// Reading a stored contact back and gathering a batch's addresses for the suppression lookup: fan-out does both
/// for every contact of a segment, and a claim for every contact of its batch. One core, no I/O.
enum StoredContactBench {
    static func run(calls: Int, rounds: Int) -> [Row] {
        let texts = (0..<1000).map { Fixtures.contact($0).storedJSON }
        let contacts = texts.compactMap(Contact.init(storedJSON:))
        let read = rate(calls: calls, rounds: rounds) { index in
            Contact(storedJSON: texts[index % texts.count])?.id.utf8.count ?? 0
        }
        let batches = max(1, calls / contacts.count)
        let owners = rate(calls: batches, rounds: rounds) { _ in AddressOwners(contacts).spellings.count }
        return [
            Row(
                scenario: "stored contact read", metric: "contacts/s (one core)", median: read, unit: "/s",
                note: "Contact(storedJSON:), the bench's contacts (four attributes, email and phone); "
                    + "\(calls) calls × \(rounds) rounds"),
            Row(
                scenario: "a batch's address owners", metric: "contacts/s (one core)",
                median: owners * Double(contacts.count), unit: "/s",
                note: "AddressOwners of \(contacts.count) contacts; \(batches) batches × \(rounds) rounds"),
        ]
    }

    /// Median calls per second; the calls' results are checked so the work is not optimized away.
    private static func rate(calls: Int, rounds: Int, _ body: (Int) -> Int) -> Double {
        let (rates, total) = Measure.callRates(calls: calls, rounds: rounds, body)
        precondition(total != 0)
        return Measure.median(rates)
    }
}
