import Foundation
@_spi(Benchmarks) import HeraldChannels
import HeraldCore

/// Herald's own per-message work in an HTTP send, without the network: the generic-json driver plans
/// the request for a message and classifies a canned 200 `{"id":"x"}`, through the same functions
/// `send` uses. One core; steadier than the loopback rows, so it shows driver-code changes that the
/// noisy end-to-end numbers would hide.
enum ProfileCodecBench {
    static func run(calls: Int, rounds: Int) async throws -> [Row] {
        let profile = try ProfileCatalog.parse(
            yaml: String(contentsOf: DriverBench.channelsDirectory.appendingPathComponent("generic-json/profile.yaml"), encoding: .utf8),
            file: "generic-json/profile.yaml")
        // One connection and no request ever handed to it: the transport only has to exist.
        let driver = try HTTPProfileDriver(
            profile: profile, instanceId: "bench-codec", baseURL: "http://127.0.0.1:9000", options: ["from": "Herald"],
            secrets: ["api_token": "bench-token"], connections: 1)
        let response = ProviderResponse(status: 200, headers: ["content-type": "application/json"], body: Array(#"{"id":"x"}"#.utf8))
        // Messages arrive built; building them (String(format:)) is not the driver's work.
        let messages = (0..<1024).map(HTTPDriverBench.message)
        let (rates, sent) = Measure.callRates(calls: calls, rounds: rounds) { index in
            let (request, result) = driver.sendOffline(messages[index & 1023], answer: response)
            return result.outcome == .sent && result.providerMessageId == "x" && request?.body != nil ? 1 : 0
        }
        await driver.shutdown()
        let rounds = rates.map { String(format: "%.0f", $0) }.joined(separator: " / ")
        return [
            Row(scenario: "generic-json prepareSend + classify", metric: "calls/s (one core)", median: Measure.median(rates), unit: "/s",
                note: "no network; driver.sendOffline; \(calls) calls × \(rates.count) rounds, rounds \(rounds); sent=\(sent)")
        ]
    }
}
