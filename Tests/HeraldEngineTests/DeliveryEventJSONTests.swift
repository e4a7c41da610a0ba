import Foundation
import HeraldCore
import HeraldEngine
import Testing

/// The live tail's hand-written event JSON against Foundation's encoder of the same Codable type: a client
/// must not be able to tell which one wrote it.
@Suite("Delivery event JSON")
struct DeliveryEventJSONTests {
    /// Whole milliseconds a double holds exactly: the wire carries milliseconds, and for a time between two
    /// of them Foundation truncates where `FastJSON` rounds (as it does for traces): at most 1 ms apart.
    static let at = Date(timeIntervalSince1970: 1_796_000_000.125)
    static let later = Date(timeIntervalSince1970: 1_796_003_600.5)

    static let events: [DeliveryEvent] = [
        DeliveryEvent(seq: 1, at: at, deliveryId: nil, jobId: 3, contactId: "c-1", channel: .sms, state: .queued),
        DeliveryEvent(
            seq: 2, at: at, deliveryId: 40, jobId: 3, contactId: "مشتری-۱۲", channel: .email, state: .scheduled,
            reason: nil, instance: nil, attempt: nil, notBefore: later, detail: "quiet_hours: 22:00–08:00 Asia/Tehran"),
        DeliveryEvent(
            seq: 18_446_744_073_709_551_615, at: later, deliveryId: Int64.max, jobId: 1, contactId: #"he said "hi" \ bye"#,
            channel: .messenger, state: .suppressed, reason: .optedOut, detail: "consent: revoked by complaint"),
        DeliveryEvent(
            seq: 9, at: at, deliveryId: 7, jobId: 2, contactId: "Алиса", channel: .push, state: .failed,
            instance: "fcm-main", attempt: 3, detail: "provider: 404 UNREGISTERED"),
    ]

    @Test("the same bytes as the Codable encoder, every optional field present or absent", arguments: events)
    func sameBytesAsCodable(event: DeliveryEvent) throws {
        let codable = String(decoding: try HeraldJSON.encoder().encode(event), as: UTF8.self)
        #expect(event.json == codable)
    }

    @Test("every reason and state reads back as written")
    func everyEnumCaseRoundTrips() throws {
        for state in DeliveryState.allCases {
            for reason in SuppressionReason.allCases {
                let event = DeliveryEvent(
                    seq: 5, at: Self.at, deliveryId: 1, jobId: 1, contactId: "c", channel: .sms, state: state, reason: reason)
                let decoded = try HeraldJSON.decoder().decode(DeliveryEvent.self, from: Data(event.json.utf8))
                #expect(decoded == event)
            }
        }
    }

    @Test("control characters in a detail are escaped and read back")
    func controlCharactersRoundTrip() throws {
        let event = DeliveryEvent(
            seq: 1, at: Self.at, deliveryId: 1, jobId: 1, contactId: "c\u{1}", channel: .sms, state: .failed,
            detail: "line\nbreak\ttab\r\u{7f}")
        let decoded = try HeraldJSON.decoder().decode(DeliveryEvent.self, from: Data(event.json.utf8))
        #expect(decoded == event)
    }
}
