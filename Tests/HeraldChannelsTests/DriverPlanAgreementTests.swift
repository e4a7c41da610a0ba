import Foundation
@_spi(Benchmarks) import HeraldChannels
import HeraldCore
import Testing

/// The driver binds its plan to the instance once and fills only the fields its profile reads; the
/// one-off `prepareSend` takes every field by name. Both must build the same request for every shipped
/// profile, with every option set and with only the required ones.
@Suite struct DriverPlanAgreementTests {
    let catalog: ProfileCatalog

    init() throws { catalog = try ProfileCatalog.load(directory: ChannelsFolder.url) }

    @Test(arguments: ChannelsFolder.profileIds)
    func driverAndOneOffRenderingAgree(profileId: String) async throws {
        let profile = try catalog.profile(profileId)
        var secrets: [String: String] = [:]
        for name in profile.secrets { secrets[name] = "s/\(name) +x" }
        for everyOption in [true, false] {
            var options: [String: String] = [:]
            for (name, spec) in profile.options where everyOption || spec.required == true { options[name] = "o \(name)/&?" }
            let driver = try HTTPProfileDriver(
                profile: profile, instanceId: "agree", options: options, secrets: secrets, connections: 1)
            let to = "+98912123456" + (everyOption ? "7" : "8")
            let text = "سلام \"x\"\n{{to}} & 100%"
            let message = OutboundMessage(
                deliveryId: 42, jobId: 7, contactId: "c1", channel: profile.kind, purpose: .transactional, topic: nil,
                addresses: [profile.addressPrefix + to],
                content: profile.kind == .sms ? .sms(text: text) : .messenger(text: text), unsubscribeURL: nil,
                idempotencyKey: "key-1", attempt: 3)
            let fields = [
                "to": to, "to_digits": String(to.dropFirst()), "text": text, "idempotency_key": "key-1",
                "delivery_id": "42", "job_id": "7", "attempt": "3",
            ]
            var merged = profile.options.compactMapValues(\.default)
            merged.merge(options) { _, given in given }
            let values = TemplateValues(fields: fields, options: merged, secrets: secrets)
            let answer = ProviderResponse(status: 200, headers: [:], body: Array(#"{"id":"p-1"}"#.utf8))
            let (request, result) = driver.sendOffline(message, answer: answer)
            #expect(request == (try profile.prepareSend(baseURL: driver.baseURL, values: values)), "\(profileId)")
            #expect(result == profile.classify(answer, values: values, now: Date()), "\(profileId)")
            await driver.shutdown()
        }
    }

    @Test func fieldsReadBackAsGivenIncludingUnknownNames() {
        var values = TemplateValues(fields: ["to": "+1", "custom": "c"])
        #expect(values.fields == ["to": "+1", "custom": "c"])
        #expect(values.value(for: "custom") == "c" && values.value(for: "text") == nil)
        values.fields["text"] = "hi"
        #expect(values.value(for: "text") == "hi" && values.value(for: "to") == "+1")
        #expect(ProfileTemplate.render("{{custom}}:{{text}}", values: values) == "c:hi")
    }
}
