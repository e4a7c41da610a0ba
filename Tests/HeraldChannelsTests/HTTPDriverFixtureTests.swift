import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// Every shipped profile against a fake provider replaying its recorded fixtures: the request we send
/// must match what the provider documents, and the recorded answer must classify as recorded.
@Suite struct HTTPDriverFixtureTests {
    let catalog: ProfileCatalog

    init() throws { catalog = try ProfileCatalog.load(directory: ChannelsFolder.url) }

    @Test(arguments: ChannelsFolder.profileIds)
    func replaysEveryRecordedExchange(profileId: String) async throws {
        let profile = try catalog.profile(profileId)
        let instance = try ChannelsFolder.decode(
            InstanceFixture.self,
            ChannelsFolder.url.appendingPathComponent("\(profileId)/fixtures/instance.json"))
        let files = try ChannelsFolder.fixtureFiles(profileId, prefix: "send-")
        let names = Set(files.map { $0.deletingPathExtension().lastPathComponent })
        #expect(names.isSuperset(of: ["send-success", "send-retry", "send-permanent", "send-invalid-address"]))

        try await FakeProvider.run { baseURL, state in
            let driver = try HTTPProfileDriver(
                profile: profile, instanceId: "\(profileId)-test", baseURL: baseURL, options: instance.options,
                secrets: instance.secrets, connections: 2, timeout: .seconds(5))
            for file in files {
                let fixture = try ChannelsFolder.decode(SendFixture.self, file)
                let label = "\(profileId)/\(file.lastPathComponent)"
                await state.script(fixture.scriptedReply)

                let result = await driver.send(fixture.outbound)

                let received = await state.received
                try #require(received.count == 1, "\(label): expected one request")
                ExpectedRequestCheck.verify(received[0], against: fixture.request, label: label)
                #expect(result.outcome == fixture.expect.outcome, "\(label)")
                #expect(result.retryAfter == fixture.expect.retryAfter, "\(label)")
                if fixture.expect.outcome == .sent {
                    #expect(result.providerMessageId == fixture.expect.providerMessageId, "\(label)")
                    #expect(result.error == nil, "\(label)")
                } else {
                    #expect(result.error?.isEmpty == false, "\(label): a failed attempt says why")
                    #expect(result.error?.contains(fixture.message.text) != true, "\(label): no body in errors")
                }
                if fixture.expect.outcome == .invalidAddress {
                    #expect(result.invalidAddresses == [fixture.message.address], "\(label)")
                }
            }
            await driver.shutdown()
        }
    }
}

/// Compares what the fake received with a fixture's expected request: method, path, header subset,
/// body fields (JSON subset or form/query fields) and fields that must be left out.
enum ExpectedRequestCheck {
    static func verify(_ received: ReceivedRequest, against expected: SendFixture.ExpectedRequest, label: String) {
        #expect(received.method == expected.method, "\(label): method")
        #expect(received.path == expected.path, "\(label): path")
        for (name, value) in expected.headers ?? [:] {
            #expect(received.headers[name.lowercased()] == value, "\(label): header \(name)")
        }
        let query = PercentEncoding.formDecode(received.query ?? "")
        for (name, value) in expected.query ?? [:] {
            #expect(query[name] == value, "\(label): query \(name)")
        }
        let contentType = received.headers["content-type"] ?? ""
        let bodyText = String(decoding: received.body, as: UTF8.self)
        var topLevelKeys = Set(query.keys)
        if contentType.hasPrefix("application/json") {
            let json = ProfileJSONPath.parse(received.body) ?? .null
            for (key, value) in expected.body ?? [:] {
                #expect(isSubset(value, of: json[key]), "\(label): body \(key)")
            }
            topLevelKeys.formUnion(json.objectValue.map { Array($0.keys) } ?? [])
        } else {
            let form = PercentEncoding.formDecode(bodyText)
            for (key, value) in expected.body ?? [:] {
                #expect(form[key] == ProfileJSONPath.text(value), "\(label): form field \(key)")
            }
            topLevelKeys.formUnion(form.keys)
        }
        for key in expected.absent ?? [] {
            #expect(!topLevelKeys.contains(key), "\(label): \(key) should be left out")
        }
    }

    static func isSubset(_ expected: JSONValue, of actual: JSONValue?) -> Bool {
        guard let actual else { return false }
        switch (expected, actual) {
        case (.object(let e), .object(let a)): return e.allSatisfy { isSubset($0.value, of: a[$0.key]) }
        case (.array(let e), .array(let a)):
            return e.count == a.count && zip(e, a).allSatisfy { isSubset($0, of: $1) }
        default: return expected == actual
        }
    }
}
