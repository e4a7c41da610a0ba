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
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Domain types, the Store and ChannelDriver protocols, pure helpers (segments, phones, SMS length).
        .target(
            name: "HeraldCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure decisions: consent, opt-out, caps, send windows. No I/O, no clock.
        .target(name: "HeraldPolicy", dependencies: ["HeraldCore"], swiftSettings: swiftSettings),
        .target(
            name: "HeraldStoreSQLite",
            dependencies: ["HeraldCore", .product(name: "GRDB", package: "GRDB.swift")],
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
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        // Fan-out and dispatch services: the queue's moving parts.
        .target(
            name: "HeraldEngine",
            dependencies: [
                "HeraldCore", "HeraldPolicy",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HeraldHTTP",
            dependencies: [
                "HeraldCore", "HeraldEngine", "HeraldPolicy",
                .product(name: "Hummingbird", package: "hummingbird"),
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
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "herald",
            dependencies: ["HeraldDaemon", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "HeraldCoreTests", dependencies: ["HeraldCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HeraldPolicyTests",
            dependencies: ["HeraldPolicy", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        // One conformance suite, run against every Store backend.
        .testTarget(
            name: "HeraldStoreConformanceTests",
            dependencies: ["HeraldCore", "HeraldStoreSQLite"],
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
            dependencies: ["HeraldChannels", .product(name: "Hummingbird", package: "hummingbird")],
            exclude: ["Support/smtp"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldEngineTests",
            dependencies: ["HeraldEngine", "HeraldStoreSQLite"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldHTTPTests",
            dependencies: [
                "HeraldDaemon", "HeraldHTTP",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
