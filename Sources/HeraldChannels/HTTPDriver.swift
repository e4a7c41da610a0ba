import Foundation
import HeraldCore

/// A channel instance driven by a provider profile: SMS HTTP gateways and bot APIs alike.
/// Never throws from `send`: network errors and timeouts are `.retry`, everything else is classified
/// by the profile's rules.
public struct HTTPProfileDriver: ChannelDriver {
    public let id: String
    public let profile: Profile
    public let baseURL: String
    public let options: [String: String]
    let secrets: [String: String]
    let client: HTTP1Client
    let timeout: Duration
    /// The profile's send request and response rules, parsed once and bound to this instance; the check
    /// request with its templates parsed once.
    let sendPlan: BoundSendPlan
    let checkPlan: RequestPlan?
    /// The response headers the profile's rules read; the HTTP/1.1 pool keeps only these.
    let keptResponseHeaders: [String]

    public var kind: ChannelKind { profile.kind }
    /// The profile's rate default (messages per second), for the dispatcher's limiter.
    public var defaultRatePerSecond: Double? { profile.rate?.perSecond }
    public var defaultConcurrency: Int? { profile.rate?.concurrency }

    /// Sends over HTTP/1.1 keep-alive connections (SwiftNIO), up to `connections` requests in flight per
    /// provider origin; `shutdown()` closes them. `caFile` replaces the system's trusted CAs. Throws
    /// `HeraldError` (`invalid_channel`) naming the missing secret or required option, or the CA file
    /// that cannot be loaded.
    public init(
        profile: Profile, instanceId: String, baseURL: String? = nil, options: [String: String] = [:],
        secrets: [String: String] = [:], connections: Int, caFile: String? = nil, timeout: Duration = .seconds(15)
    ) throws {
        let client: HTTP1Client
        do {
            client = try HTTP1Client(connections: connections, caFile: caFile, connectTimeout: min(timeout, .seconds(10)))
        } catch {
            throw HeraldError(
                code: "invalid_channel", message: "channel \(instanceId): ca_file could not be loaded as PEM certificates",
                field: "channels.\(instanceId).options.ca_file")
        }
        try self.init(
            profile: profile, instanceId: instanceId, baseURL: baseURL, options: options, secrets: secrets,
            client: client, timeout: timeout)
    }

    private init(
        profile: Profile, instanceId: String, baseURL: String?, options: [String: String],
        secrets: [String: String], client: HTTP1Client, timeout: Duration
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
        self.client = client
        self.sendPlan = BoundSendPlan(profile: profile, baseURL: self.baseURL, options: merged, secrets: secrets)
        self.checkPlan = RequestPlan(checkOf: profile)
        self.keptResponseHeaders = profile.responseHeadersRead
        self.timeout = timeout
    }

    public func handles(address: String) -> Bool {
        if profile.addressPrefix.isEmpty { return !address.utf8.contains(UInt8(ascii: ":")) }
        return address.hasPrefix(profile.addressPrefix)
    }

    public func send(_ message: OutboundMessage) async -> SendResult {
        switch plan(message) {
        case .done(let result):
            return result
        case .request(let request):
            do {
                return classify(try await execute(request.prepared), for: request)
            } catch {
                return Self.failed(error)
            }
        }
    }

    /// The HTTP/1.1 pool (sized to the instance's concurrency) caps the requests in flight.
    public var capsOwnConcurrency: Bool { true }

    /// The whole batch goes to the event loops in one hand-off, at most `connections` at a time.
    public func send(batch: [OutboundMessage], concurrency: Int) async -> [SendResult] {
        var plans: [SendPlan] = []
        var prepared: [PreparedRequest] = []
        var urgent: [Bool] = []
        plans.reserveCapacity(batch.count)
        prepared.reserveCapacity(batch.count)
        urgent.reserveCapacity(batch.count)
        for message in batch {
            let plan = plan(message)
            if case .request(let request) = plan {
                prepared.append(request.prepared)
                urgent.append(message.urgent)
            }
            plans.append(plan)
        }
        var outcomes = await client.execute(
            batch: prepared, urgent: urgent, keptHeaders: keptResponseHeaders, timeout: timeout
        ).makeIterator()
        return plans.map { plan in
            switch plan {
            case .done(let result):
                return result
            case .request(let request):
                let (outcome, latency) = outcomes.next()!
                var result = switch outcome {
                case .success(let response): classify(response, for: request)
                case .failure(let error): Self.failed(error)
                }
                result.latency = latency
                return result
            }
        }
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
        await client.shutdown()
    }

    /// The message's fields the profile reads, in slots: formatting numbers and filtering digits cost
    /// a string each, so fields no template names stay unset.
    func templateValues(_ message: OutboundMessage, address: String, text: String) -> TemplateValues {
        let reads = sendPlan.fieldsRead
        var fields = KnownFields()
        if reads.contains(.to) || reads.contains(.toDigits) {
            let prefix = profile.addressPrefix.count
            let to = prefix == 0 ? address : String(address.dropFirst(prefix))
            if reads.contains(.to) { fields.to = to }
            if reads.contains(.toDigits) { fields.toDigits = Self.asciiDigits(of: to) }
        }
        if reads.contains(.text) { fields.text = text }
        if reads.contains(.idempotencyKey) { fields.idempotencyKey = message.idempotencyKey }
        if reads.contains(.deliveryId) { fields.deliveryId = String(message.deliveryId) }
        if reads.contains(.jobId) { fields.jobId = String(message.jobId) }
        if reads.contains(.attempt) { fields.attempt = String(message.attempt) }
        return TemplateValues(known: fields, options: options, secrets: secrets)
    }

    private func execute(_ prepared: PreparedRequest) async throws -> ProviderResponse {
        try await client.execute(prepared, keptHeaders: keptResponseHeaders, timeout: timeout)
    }

    /// Addresses are ASCII by now (E.164, chat ids): a byte filter, not a Unicode property per Character.
    static func asciiDigits(of text: String) -> String {
        String(unsafeUninitializedCapacity: text.utf8.count) { buffer in
            var count = 0
            for byte in text.utf8 where byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                buffer[count] = byte
                count += 1
            }
            return count
        }
    }

    /// A request that got no answer is retried, unless sending it again cannot go better: a header
    /// value with a control character, or a redirect to somewhere Herald does not follow.
    static func failed(_ error: any Error) -> SendResult {
        let outcome: AttemptOutcome
        switch (error as? HTTPTransportError)?.kind {
        case .invalidHeader, .unsupportedURL, .tooManyRedirects: outcome = .permanent
        default: outcome = .retry
        }
        return SendResult(outcome: outcome, error: describe(error))
    }

    /// Error text without URLs: a bot token or API key can sit in the path.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPTransportError { return "network: \(error)" }
        return "network: \(type(of: error))"
    }
}
