import Foundation
import HeraldCore

/// The current status per (channel, topic): the latest ledger event for that exact scope.
struct ConsentState: Encodable, Hashable {
    var channel: String
    var topic: String
    var status: ConsentStatus
    var eventId: Int64
    var occurredAt: Date
    var source: String

    static func current(_ events: [ConsentEvent]) -> [ConsentState] {
        var latest: [String: ConsentEvent] = [:]
        for event in events { latest["\(event.channel)\u{0}\(event.topic)"] = event }
        return latest.values.sorted { ($0.channel, $0.topic) < ($1.channel, $1.topic) }.map { event in
            ConsentState(
                channel: event.channel, topic: event.topic, status: event.status, eventId: event.id,
                occurredAt: event.occurredAt, source: event.source)
        }
    }
}
