import ArgumentParser
import Foundation
import HeraldCore
import HeraldPolicy

/// `herald keys list` as a table: never the secret, only the id `keys revoke` takes.
enum KeyTable {
    static func render(_ keys: [APIKeyInfo], now: Date) -> String {
        let formatter = ISO8601DateFormatter()
        func cell(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        var lines = [
            cell("id", 14) + cell("role", 12) + cell("created", 22) + cell("last used", 22) + cell("expires", 30) + "label"
        ]
        for key in keys {
            let used = key.lastUsedAt.map(formatter.string(from:)) ?? "never"
            var expiry = key.expiresAt.map(formatter.string(from:)) ?? "never"
            if let expiresAt = key.expiresAt, expiresAt <= now { expiry += " (expired)" }
            lines.append(
                cell(key.id, 14) + cell(key.role.rawValue, 12) + cell(formatter.string(from: key.createdAt), 22)
                    + cell(used, 22) + cell(expiry, 30) + (key.label ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}

/// `--expires 30d` or `--expires-at 2027-01-01T00:00:00Z`: when a new key stops working.
enum KeyExpiry {
    static func parse(expires: String?, expiresAt: String?, now: Date) throws -> Date? {
        switch (expires, expiresAt) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw ValidationError("give --expires or --expires-at, not both")
        case (let text?, nil):
            guard let span = PolicyDuration(parsing: text), span.seconds > 0 else {
                throw ValidationError("--expires must be a span such as 30d, 12h or 1w")
            }
            return now.addingTimeInterval(span.seconds)
        case (nil, let text?):
            guard let date = Timestamp.parse(text) else { throw ValidationError("--expires-at is not an RFC 3339 time") }
            guard date > now else { throw ValidationError("--expires-at is in the past") }
            return date
        }
    }
}
