import HeraldCore
import Yams

/// Every key the configuration file may hold, so that a misspelled one stops the start instead of being
/// ignored: `polcy:` would otherwise switch quiet hours off without a word.
indirect enum ConfigShape: Sendable {
    /// A scalar or any nested value that the section's own decoder checks.
    case value
    /// Keys chosen by the user or the driver (channel `options`).
    case freeform
    case object([String: ConfigShape])
    case list(ConfigShape)
}

enum ConfigSchema {
    static let root = ConfigShape.object([
        "listen": .value, "storage": .value, "public_url": .value, "data_dir": .value, "log_level": .value,
        "profiles_dir": .value, "insecure_listen": .value,
        "tls": .object(["certificate": .value, "key": .value]),
        "channels": .list(
            .object([
                "id": .value, "kind": .value, "driver": .value, "profile": .value, "options": .freeform,
                "rate": .value, "concurrency": .value, "routes": .value,
            ])),
        "auth": .object(["unsubscribe_secret_env": .value, "unsubscribe_secret_file": .value]),
        "topics": .list(.object(["id": .value, "name": .value, "description": .value, "channels": .value])),
        "preferences": .object([
            "secret_env": .value, "secret_file": .value, "previous_secret_env": .value, "previous_secret_file": .value,
            "link_ttl": .value,
        ]),
        "audit": .object([
            "checkpoints": .object([
                "interval_seconds": .value, "signing_key_env": .value, "signing_key_file": .value, "witness_file": .value,
            ])
        ]),
        "engine": .object([
            "send_lease_seconds": .value, "fanout_lease_seconds": .value, "claim_batch_size": .value,
            "fanout_batch_size": .value, "node_id": .value, "inline_fanout_max": .value, "express_priority": .value,
        ]),
        "webhooks": .list(
            .object([
                "id": .value, "url": .value, "secret_env": .value, "secret_file": .value, "events": .value,
                "filter": .object(["purpose": .value, "channel": .value, "callback_only": .value]), "batch": .value,
                "timeout_seconds": .value, "retry_horizon_hours": .value, "backoff_initial_seconds": .value,
                "backoff_max_seconds": .value, "breaker_cooldown_seconds": .value,
            ])),
        "defaults": .object(["timezone": .value, "unknown_timezone": .value]),
        "policy": .object([
            "quiet_hours": .list(.object(["purpose": .value, "channel": .value, "start": .value, "end": .value, "weekdays": .value])),
            "caps": .list(
                .object(["purpose": .value, "topic": .value, "channel": .value, "max": .value, "per": .value, "on_exceed": .value])),
            "sms": .object(["max_segments": .value]),
        ]),
        "rights": .object(["block_erased_addresses": .value, "address_key_env": .value, "address_key_file": .value]),
        "retention": .object([
            "deliveries": .value, "attempts": .value, "traces": .value, "webhook_events": .value, "bounces": .value,
            "batch_size": .value,
        ]),
    ])

    /// Throws `config_unknown_key` for the first key the schema does not know, with its path and the
    /// nearest known name. Text that is not YAML is left to the decoder to report.
    static func check(_ yaml: String) throws(HeraldError) {
        guard let node = try? Yams.compose(yaml: yaml) else { return }
        try check(node, against: root, path: "")
    }

    private static func check(_ node: Node, against shape: ConfigShape, path: String) throws(HeraldError) {
        switch shape {
        case .value, .freeform:
            return
        case .list(let element):
            guard let items = node.sequence else { return }
            for (index, item) in items.enumerated() { try check(item, against: element, path: path + "[\(index)]") }
        case .object(let keys):
            guard let mapping = node.mapping else { return }
            for (keyNode, value) in mapping {
                guard let key = keyNode.string else { continue }
                let keyPath = path.isEmpty ? key : path + "." + key
                guard let known = keys[key] else { throw unknown(key, path: keyPath, known: Array(keys.keys)) }
                try check(value, against: known, path: keyPath)
            }
        }
    }

    private static func unknown(_ key: String, path: String, known: [String]) -> HeraldError {
        let nearest = known.min { (distance(key, $0), $0) < (distance(key, $1), $1) } ?? ""
        return HeraldError(
            code: "config_unknown_key", message: "unknown config key \(path); did you mean `\(nearest)`?", field: path)
    }

    /// Levenshtein distance over characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
