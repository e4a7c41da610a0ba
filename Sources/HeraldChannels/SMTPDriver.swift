import CCurl
import Foundation
import HeraldCore

/// The `email` channel over SMTP via libcurl: a pool of easy handles per relay, driven by one
/// multi-interface thread, keeps connections (and their TLS sessions and AUTH) open across messages.
/// Never throws from `send`: every failure is classified into a `SendResult`.
public struct SMTPDriver: ChannelDriver {
    public let id: String
    public var kind: ChannelKind { .email }
    public let config: SMTPConfig
    let signer: DKIMSigner?
    let messageIdDomain: String
    /// VERP envelope senders when a bounce domain is configured; nil sends every message from `from`.
    let returnPath: SMTPReturnPath?
    private let pool: CurlHandlePool

    /// Throws `HeraldError` (`smtp_config_invalid`, `dkim_key_invalid`) for a config that could never send,
    /// `smtp_unavailable` when libcurl cannot start.
    public init(id: String, config: SMTPConfig, returnPath: SMTPReturnPath? = nil) throws(HeraldError) {
        try config.validate()
        self.id = id
        self.config = config
        self.returnPath = returnPath
        messageIdDomain = config.effectiveMessageIdDomain
        if let dkim = config.dkim {
            signer = try DKIMSigner(domain: dkim.domain, selector: dkim.selector, privateKeyPEM: dkim.privateKeyPEM)
        } else {
            signer = nil
        }
        let pool = CurlHandlePool(capacity: config.poolSize, label: "herald.smtp.\(id)") { [config] in
            guard let easy = CurlEasy() else { return nil }
            Self.configure(easy, with: config)
            return easy
        }
        guard let pool else {
            throw HeraldError(code: "smtp_unavailable", message: "libcurl could not be initialised", statusCode: 500)
        }
        self.pool = pool
    }

    public func handles(address: String) -> Bool { address.utf8.contains(UInt8(ascii: "@")) }

    public func send(_ message: OutboundMessage) async -> SendResult {
        let transfer: SMTPTransfer
        switch plan(message) {
        case .done(let result): return result
        case .transfer(let planned): transfer = planned
        }
        let outcome = await pool.run { continuation in
            transfer.job { continuation.resume(returning: $0) }
        }
        return transfer.result(of: outcome ?? (transfer: nil, latency: .zero))
    }

    /// The session pool (`pool_size`) caps the transfers in flight.
    public var capsOwnConcurrency: Bool { true }

    /// Builds every message on the calling task, hands all transfers to the loop threads in one go
    /// and wakes once, when the last is done: no task, continuation or thread hop per message. At most
    /// `pool_size` transfers run at once whatever `concurrency` says; results come back in order.
    public func send(batch: [OutboundMessage], concurrency: Int) async -> [SendResult] {
        let plans = batch.map(plan)
        var transfers: [SMTPTransfer] = []
        transfers.reserveCapacity(plans.count)
        for case .transfer(let transfer) in plans { transfers.append(transfer) }
        var outcomes = await pool.run(count: transfers.count, placeholder: (transfer: nil, latency: .zero)) {
            transfers[$0].job(completion: $1)
        }.makeIterator()
        return plans.map { plan in
            switch plan {
            case .done(let result): result
            case .transfer(let transfer): transfer.result(of: outcomes.next()!)
            }
        }
    }

    /// Connects (greeting, EHLO, STARTTLS, AUTH) on a fresh handle, without sending a message.
    public func check() async -> ChannelCheck {
        let config = config
        let label = "herald.smtp.\(id).check"
        let transfer: CurlTransferResult? = await withCheckedContinuation { continuation in
            DispatchQueue(label: label).async {
                guard let easy = CurlEasy() else { return continuation.resume(returning: nil) }
                Self.configure(easy, with: config)
                easy.set(CURLOPT_CONNECT_ONLY, 1)
                let result = easy.perform(upload: nil, recipients: [])
                easy.close()
                continuation.resume(returning: result)
            }
        }
        guard let transfer else { return ChannelCheck(instance: id, ok: false, detail: "libcurl could not start") }
        if transfer.code == 0 { return ChannelCheck(instance: id, ok: true, detail: "connected to \(relayName)") }
        let failure = SMTPClassification.classify(transfer, recipient: "", messageId: "")
        return ChannelCheck(instance: id, ok: false, detail: failure.error ?? "smtp_check_failed")
    }

    public func shutdown() async {
        await pool.shutdown()
    }

    /// List-Unsubscribe goes on marketing mail only: transactional mail (a password reset) has nothing to leave.
    func listUnsubscribe(for message: OutboundMessage) -> ListUnsubscribe? {
        guard message.purpose == .marketing, message.unsubscribeURL != nil || config.unsubscribeMailto != nil else {
            return nil
        }
        return ListUnsubscribe(url: message.unsubscribeURL, mailto: config.unsubscribeMailto)
    }

    /// Scheme, host and port of the relay: the URL without credentials or path.
    var relayName: String {
        guard let components = URLComponents(string: config.url), let host = components.host else { return "relay" }
        return "\(components.scheme ?? "smtp")://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    static func configure(_ easy: CurlEasy, with config: SMTPConfig) {
        easy.set(CURLOPT_URL, config.url)
        if config.url.lowercased().hasPrefix("smtp://") {
            let level: curl_usessl =
                switch config.starttls {
                case .required: CURLUSESSL_ALL
                case .optional: CURLUSESSL_TRY
                case .off: CURLUSESSL_NONE
                }
            easy.set(CURLOPT_USE_SSL, Int(level.rawValue))
        }
        easy.set(CURLOPT_USERNAME, config.username)
        easy.set(CURLOPT_PASSWORD, config.password)
        easy.set(CURLOPT_MAIL_FROM, "<\(config.from)>")
        easy.set(CURLOPT_TIMEOUT, config.timeoutSeconds)
        easy.set(CURLOPT_CONNECTTIMEOUT, min(config.timeoutSeconds, 30))
        if !config.tlsVerify {
            easy.set(CURLOPT_SSL_VERIFYPEER, 0)
            easy.set(CURLOPT_SSL_VERIFYHOST, 0)
        }
    }

    static func randomToken() -> String {
        String(UInt64.random(in: .min ... .max), radix: 16)
    }
}
