// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "herald",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
        .library(name: "HeraldCore", targets: ["HeraldCore"]),
        .library(name: "HeraldPolicy", targets: ["HeraldPolicy"]),
        .library(name: "HeraldEngine", targets: ["HeraldEngine"]),
        .library(name: "HeraldStoreSQLite", targets: ["HeraldStoreSQLite"]),
        .library(name: "HeraldStorePostgres", targets: ["HeraldStorePostgres"]),
        .library(name: "HeraldDaemon", targets: ["HeraldDaemon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Domain types, the Store and ChannelDriver protocols, pure helpers (segments, phones, SMS length).
        .target(
            name: "HeraldCore",
            dependencies: [
                "CIDN2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure decisions: consent, opt-out, caps, send windows. No I/O, no clock.
        .target(name: "HeraldPolicy", dependencies: ["HeraldCore"], swiftSettings: swiftSettings),
        .target(
            name: "HeraldStoreSQLite",
            dependencies: [
                "HeraldCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), "CSQLiteConfig",
            ],
            swiftSettings: swiftSettings
        ),
        // The shared engine for many nodes: same semantics as SQLite, claims with FOR UPDATE SKIP LOCKED.
        .target(
            name: "HeraldStorePostgres",
            dependencies: [
                "HeraldCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Thin shim over libcurl: Swift cannot call the variadic curl_easy_setopt.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "HeraldChannels",
            dependencies: [
                "HeraldCore", "CCurlShim",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedProfiles"]
        ),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        // IDNA (RFC 5891, UTS #46) for email domains: the library libcurl itself uses for host names.
        .systemLibrary(name: "CIDN2", pkgConfig: "libidn2", providers: [.apt(["libidn2-dev"])]),
        // Builds `BuiltInProfiles.swift` from channels/*/profile.yaml for HeraldChannels (see EmbedProfiles).
        .executableTarget(name: "ProfileEmbedder"),
        .plugin(name: "EmbedProfiles", capability: .buildTool(), dependencies: ["ProfileEmbedder"]),
        // Fan-out and dispatch services: the queue's moving parts.
        .target(
            name: "HeraldEngine",
            dependencies: [
                "HeraldCore", "HeraldPolicy",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // zlib, for the live tail's gzip: each published batch is deflated once for every client.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLiteConfig", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "HeraldHTTP",
            dependencies: [
                "HeraldCore", "HeraldEngine", "HeraldPolicy", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        // Wiring: config → store, drivers, services → one ServiceGroup.
        .target(
            name: "HeraldDaemon",
            dependencies: [
                "HeraldCore", "HeraldPolicy", "HeraldEngine", "HeraldHTTP", "HeraldStoreSQLite", "HeraldStorePostgres",
                "HeraldChannels",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "herald",
            dependencies: [
                "HeraldDaemon", "HeraldStoreSQLite", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),

        // `swift run -c release herald-bench`: the numbers in BENCHMARKS.md.
        .executableTarget(
            name: "herald-bench",
            dependencies: [
                "HeraldCore", "HeraldPolicy", "HeraldEngine", "HeraldStoreSQLite", "HeraldStorePostgres", "HeraldChannels",
                "HeraldHTTP", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                // `cluster` samples pg_stat_activity while the nodes run.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/HeraldBench",
            swiftSettings: swiftSettings
        ),

        // Test doubles shared by several test targets (e.g. `ScriptedPolicy`).
        .target(name: "HeraldTestSupport", dependencies: ["HeraldCore"], path: "Tests/HeraldTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "HeraldCoreTests",
            dependencies: ["HeraldCore", "HeraldTestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldPolicyTests",
            dependencies: ["HeraldPolicy", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        // One conformance suite, run against every Store backend.
        .testTarget(
            name: "HeraldStoreConformanceTests",
            dependencies: [
                "HeraldCore", "HeraldStoreSQLite", "HeraldStorePostgres", "HeraldTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                // Erasure and retention: the ledger properties over random interleavings.
                .product(name: "PropertyBased", package: "swift-property-based"),
                "HeraldEngine",
                // Caps as the daemon counts them, across claims.
                "HeraldPolicy",
            ],
            swiftSettings: swiftSettings
        ),
        // Real-server suite: needs HERALD_TEST_POSTGRES_URL (scripts/postgres.sh starts a throwaway server).
        .testTarget(
            name: "HeraldStorePostgresTests",
            dependencies: ["HeraldCore", "HeraldStorePostgres", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        // Provider fakes are small Hummingbird apps on loopback that replay channels/ fixtures (found via #filePath).
        .testTarget(
            name: "HeraldChannelsTests",
            dependencies: [
                "HeraldChannels", "HeraldTestSupport", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Support/smtp"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldEngineTests",
            dependencies: ["HeraldEngine", "HeraldStoreSQLite", "HeraldTestSupport"],
            swiftSettings: swiftSettings
        ),
        // The real `herald` binary as separate processes: kill -9, SIGTERM, restart.
        .testTarget(
            name: "HeraldDaemonTests", dependencies: ["herald"], exclude: ["Support/browser", "Support/gzip_tail.py"],
            swiftSettings: swiftSettings),
        // Through the HTTP API into the engine and back, on a real SQLite file.
        .testTarget(
            name: "HeraldEndToEndTests",
            dependencies: [
                "HeraldHTTP", "HeraldEngine", "HeraldPolicy", "HeraldStoreSQLite", "HeraldChannels", "HeraldDaemon",
                "HeraldTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldHTTPTests",
            dependencies: [
                "HeraldDaemon", "HeraldHTTP",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Metrics, live tail, dashboard, structured logs and access audit, against a real SQLite store.
        .testTarget(
            name: "HeraldOpsTests",
            dependencies: [
                "HeraldDaemon", "HeraldHTTP", "HeraldEngine", "HeraldPolicy", "HeraldStoreSQLite", "HeraldStorePostgres",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Three real `herald` processes on one PostgreSQL database (runs the built binary; only test support).
        .testTarget(name: "HeraldMultiNodeTests", dependencies: ["HeraldTestSupport"], swiftSettings: swiftSettings),
    ]
)
