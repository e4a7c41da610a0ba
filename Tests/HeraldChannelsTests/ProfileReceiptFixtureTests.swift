import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// Every recorded receipt and inbound reply parses to what its fixture says.
@Suite struct ProfileReceiptFixtureTests {
    let catalog: ProfileCatalog

    init() throws { catalog = try ProfileCatalog.load(directory: ChannelsFolder.url) }

    @Test(arguments: ChannelsFolder.profileIds)
    func parsesRecordedCallbacks(profileId: String) throws {
        let parser = ReceiptParser(profile: try catalog.profile(profileId))
        let files =
            try ChannelsFolder.fixtureFiles(profileId, prefix: "receipt-")
            + ChannelsFolder.fixtureFiles(profileId, prefix: "inbound-")
        #expect(files.contains { $0.lastPathComponent.hasPrefix("inbound-") }, "\(profileId): an inbound example")
        for file in files {
            let fixture = try ChannelsFolder.decode(InboundFixture.self, file)
            let label = "\(profileId)/\(file.lastPathComponent)"
            let event = try parser.parse(fixture.request)
            if let receipt = fixture.expect.receipt {
                #expect(
                    event == .receipt(providerMessageId: receipt.providerMessageId, state: receipt.state), "\(label)")
            } else if let text = fixture.expect.inboundText {
                #expect(event == .inboundText(from: text.from, text: text.text), "\(label)")
            } else {
                guard case .ignored = event else {
                    Issue.record("\(label): expected ignored, got \(event)")
                    continue
                }
            }
        }
    }

    @Test func smsProfilesWithReceiptsHaveDeliveredAndFailedExamples() throws {
        for profileId in ["generic-json", "twilio", "vonage", "kannel", "jasmin", "kavenegar", "whatsapp"] {
            let parser = ReceiptParser(profile: try catalog.profile(profileId))
            var states: Set<DeliveryState> = []
            for file in try ChannelsFolder.fixtureFiles(profileId, prefix: "receipt-") {
                let fixture = try ChannelsFolder.decode(InboundFixture.self, file)
                if case .receipt(_, let state) = try parser.parse(fixture.request) { states.insert(state) }
            }
            #expect(states == [.delivered, .failed], "\(profileId)")
        }
    }

    @Test func malformedJSONCallbackIsAClearError() throws {
        let parser = ReceiptParser(profile: try catalog.profile("whatsapp"))
        let request = InboundRequest(contentType: "application/json", body: Array("{not json".utf8))
        #expect(throws: HeraldError.self) { try parser.parse(request) }
    }
}
