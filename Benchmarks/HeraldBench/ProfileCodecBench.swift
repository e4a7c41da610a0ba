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
        var rates: [Double] = []
        var sent = 0
        for _ in 0..<rounds {
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<calls {
                let (request, result) = driver.sendOffline(messages[index & 1023], answer: response)
                if result.outcome == .sent, result.providerMessageId == "x", request?.body != nil { sent += 1 }
            }
            let elapsed = clock.now - start
            rates.append(Double(calls) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        }
        await driver.shutdown()
        let rounds = rates.map { String(format: "%.0f", $0) }.joined(separator: " / ")
        return [
            Row(scenario: "generic-json prepareSend + classify", metric: "calls/s (one core)", median: Measure.median(rates), unit: "/s",
                note: "no network; driver.sendOffline; \(calls) calls × \(rates.count) rounds, rounds \(rounds); sent=\(sent)")
        ]
    }
}
