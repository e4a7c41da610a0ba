/// Sends to every device token of a message at once, keeping the answers in address order.
enum PushFanout {
    static func each<Outcome: Sendable>(
        _ addresses: [String], _ sendOne: @escaping @Sendable (String) async -> Outcome
    ) async -> [Outcome] {
        await withTaskGroup(of: (Int, Outcome).self) { group in
            for (index, address) in addresses.enumerated() {
                group.addTask { (index, await sendOne(address)) }
            }
            var outcomes: [(Int, Outcome)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
