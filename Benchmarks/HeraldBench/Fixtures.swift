import Foundation
import HeraldCore

/// Synthetic audiences: a realistic mix of zones, locales and attributes.
enum Fixtures {
    static let zones = ["Asia/Tehran", "Europe/London", "America/New_York", "Asia/Dubai", "Europe/Moscow", "Asia/Kathmandu"]

    static func contact(_ index: Int) -> Contact {
        Contact(
            id: String(format: "c%08d", index), timezone: zones[index % zones.count], locale: index % 2 == 0 ? "fa" : "en",
            attributes: [
                "first_name": .string(index % 2 == 0 ? "سارا" : "Anna"), "country": .string(index % 3 == 0 ? "IR" : "GB"),
                "tags": .array(index % 5 == 0 ? ["vip"] : []), "days_inactive": .number(Double(index % 90)),
            ],
            email: "user\(index)@example.com", phone: "+98912\(String(format: "%07d", index % 10_000_000))")
    }

    static func grant(_ contactId: String, at: Date) -> ConsentInput {
        ConsentInput(contactId: contactId, channel: "*", topic: "*", status: .granted, source: "bench", occurredAt: at)
    }

    static func job(key: String, segment: String? = nil, ids: [String]? = nil, purpose: Purpose = .transactional) -> JobSpec {
        JobSpec(
            idempotencyKey: key, purpose: purpose, audience: Audience(contactIds: ids, segment: segment),
            channels: [.sms, .email],
            content: Content(
                email: .init(subject: "Hello {{attributes.first_name}}", text: "Hi {{attributes.first_name}}"),
                sms: .init(text: "{{attributes.first_name}} عزیز، کد شما ۱۲۳۴")))
    }
}
