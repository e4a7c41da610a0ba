import Foundation
import HeraldCore
import PostgresNIO

/// A parsed `postgres://user:pass@host:port/db?sslmode=…&schema=…` storage string.
///
/// `sslmode` is `disable`, `prefer` (the default, like libpq) or `require`. `schema` puts every table in that
/// schema (it must exist); tests use it to give each case a fresh, isolated set of tables. `connection_wait`
/// (seconds, default 4) bounds how long a call waits for a pooled connection before answering
/// `store_unavailable`; tests on a loaded machine raise it.
public struct PostgresURL: Sendable, Hashable {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var tls: TLSMode
    public var schema: String?
    /// How long a call waits for a usable pooled connection.
    public var connectionWait: Duration = .seconds(4)

    public init(_ string: String) throws {
        guard let components = URLComponents(string: string),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw HeraldError(
                code: "config_invalid", message: "storage must look like postgres://user:pass@host:5432/db",
                field: "storage")
        }
        guard let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty else {
            throw HeraldError(
                code: "config_invalid", message: "postgres storage needs a host and a user name", field: "storage")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.database = path.isEmpty ? nil : path
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        guard let tls = TLSMode(rawValue: query["sslmode"] ?? "prefer") else {
            throw HeraldError(
                code: "config_invalid", message: "sslmode must be disable, prefer or require", field: "storage")
        }
        self.tls = tls
        if let schema = query["schema"], !schema.isEmpty {
            guard schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw HeraldError(
                    code: "config_invalid", message: "schema may contain only letters, digits and _", field: "storage")
            }
            self.schema = schema
        }
        if let wait = query["connection_wait"] {
            guard let seconds = Double(wait), seconds > 0, seconds <= 600 else {
                throw HeraldError(
                    code: "config_invalid", message: "connection_wait must be a number of seconds, 0 < n ≤ 600",
                    field: "storage")
            }
            connectionWait = .milliseconds(Int64(seconds * 1000))
        }
    }

    /// Host, port and database only: never the password.
    public var redacted: String { "postgres://\(host):\(port)/\(database ?? username)" }

    var startupParameters: [(String, String)] {
        schema.map { [("search_path", $0)] } ?? []
    }

    var clientConfiguration: PostgresClient.Configuration {
        let tlsMode: PostgresClient.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tlsMode)
        configuration.options.additionalStartupParameters = startupParameters
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tlsMode: PostgresConnection.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tlsMode)
        configuration.options.additionalStartupParameters = startupParameters
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
