import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1

/// A channel instance driven by a provider profile: SMS HTTP gateways and bot APIs alike.
/// Never throws from `send`: network errors and timeouts are `.retry`, everything else is classified
/// by the profile's rules.
public struct HTTPProfileDriver: ChannelDriver {
    public let id: String
    public let profile: Profile
    public let baseURL: String
    public let options: [String: String]
    let secrets: [String: String]
    let httpClient: HTTPClient
    /// Whether `shutdown()` shuts `httpClient` down (a per-instance client) or leaves it (a shared one).
    let ownsClient: Bool
    let timeout: TimeAmount
    /// The profile's send and check requests with their templates parsed once.
    let sendPlan: RequestPlan
    let checkPlan: RequestPlan?

    public var kind: ChannelKind { profile.kind }
    /// The profile's rate default (messages per second), for the dispatcher's limiter.
    public var defaultRatePerSecond: Double? { profile.rate?.perSecond }
    public var defaultConcurrency: Int? { profile.rate?.concurrency }

    /// Throws `HeraldError` (`invalid_channel`) naming the missing secret or required option.
    public init(
        profile: Profile, instanceId: String, baseURL: String? = nil, options: [String: String] = [:],
        secrets: [String: String] = [:], httpClient: HTTPClient, ownsClient: Bool = false,
        timeout: Duration = .seconds(15)
    ) throws {
        for name in profile.secrets where (secrets[name] ?? "").isEmpty {
            throw HeraldError(
                code: "invalid_channel", message: "channel \(instanceId): secret \(name) is not set",
                field: "channels.\(instanceId).options")
        }
        var merged = profile.options.compactMapValues(\.default)
        merged.merge(options) { _, given in given }
        for (name, spec) in profile.options where spec.required == true && (merged[name] ?? "").isEmpty {
            throw HeraldError(
                code: "invalid_channel",
                message: "channel \(instanceId): option \(name) is required by profile \(profile.id)",
                field: "channels.\(instanceId).options.\(name)")
        }
        self.id = instanceId
        self.profile = profile
        self.baseURL = baseURL ?? merged["base_url"] ?? profile.baseURL
        self.options = merged
        self.secrets = secrets
        self.httpClient = httpClient
        self.ownsClient = ownsClient
        self.sendPlan = RequestPlan(sendOf: profile)
        self.checkPlan = RequestPlan(checkOf: profile)
        let (seconds, attoseconds) = timeout.components
        self.timeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    public func handles(address: String) -> Bool {
        if profile.addressPrefix.isEmpty { return !address.contains(":") }
        return address.hasPrefix(profile.addressPrefix)
    }

    public func send(_ message: OutboundMessage) async -> SendResult {
        guard let address = message.addresses.first(where: handles(address:)) else {
            return SendResult(outcome: .permanent, error: "no address this channel handles")
        }
        let text: String
        switch message.content {
        case .sms(let t), .messenger(let t): text = t
        case .email, .push: return SendResult(outcome: .permanent, error: "content kind not supported by this channel")
        }
        let values = templateValues(message, address: address, text: text)
        let prepared: PreparedRequest
        do {
            prepared = try sendPlan.prepare(baseURL: baseURL, values: values)
        } catch {
            return SendResult(outcome: .permanent, error: "request could not be built from profile \(profile.id)")
        }
        var result: SendResult
        do {
            let response = try await execute(prepared)
            result = profile.classify(response, values: values, now: Date())
        } catch {
            result = SendResult(outcome: .retry, error: Self.describe(error))
        }
        if result.outcome == .invalidAddress { result.invalidAddresses = [address] }
        return result
    }

    public func check() async -> ChannelCheck {
        let values = TemplateValues(options: options, secrets: secrets)
        do {
            if let prepared = try checkPlan?.prepare(baseURL: baseURL, values: values) {
                let response = try await execute(prepared)
                let ok = (200...299).contains(response.status)
                return ChannelCheck(
                    instance: id, ok: ok, detail: "\(profile.id): check answered HTTP \(response.status)")
            }
            let response = try await execute(PreparedRequest(method: "GET", url: baseURL, headers: [], body: nil))
            return ChannelCheck(instance: id, ok: true, detail: "\(profile.id): reachable (HTTP \(response.status))")
        } catch {
            return ChannelCheck(instance: id, ok: false, detail: "\(profile.id): \(Self.describe(error))")
        }
    }

    public func shutdown() async {
        if ownsClient { try? await httpClient.shutdown() }
    }

    func templateValues(_ message: OutboundMessage, address: String, text: String) -> TemplateValues {
        let to = String(address.dropFirst(profile.addressPrefix.count))
        let fields = [
            "to": to, "to_digits": to.filter(\.isNumber), "text": text, "idempotency_key": message.idempotencyKey,
            "delivery_id": String(message.deliveryId), "job_id": String(message.jobId),
            "attempt": String(message.attempt),
        ]
        return TemplateValues(fields: fields, options: options, secrets: secrets)
    }

    private func execute(_ prepared: PreparedRequest) async throws -> ProviderResponse {
        var request = HTTPClientRequest(url: prepared.url)
        request.method = .init(rawValue: prepared.method)
        for header in prepared.headers { request.headers.add(name: header.name, value: header.value) }
        if let body = prepared.body { request.body = .bytes(body) }
        let response = try await httpClient.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return ProviderResponse(status: Int(response.status.code), headers: headers, body: Array(buffer: body))
    }

    /// Error text without URLs: a bot token or API key can sit in the path.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "network: \(error)" }
        return "network: \(type(of: error))"
    }
}
