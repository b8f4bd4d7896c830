// swift-tools-version:6.0
import PackageDescription

/// One set of compiler settings for every target: Swift 6 language mode, strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "onramp",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "onramp", targets: ["onramp"]),
        .executable(name: "onramp-bench", targets: ["onramp-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0" ..< "5.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.21.0"),
    ],
    targets: [
        .target(
            name: "OnrampDomain",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Clients of everything outside (SMTP, outgoing webhooks; later WhatsApp, Instagram, IMAP,
        // Stripe, n8n, GA4), each an interface with a live implementation and a test value.
        .target(
            name: "OnrampIntegrations",
            dependencies: [
                "OnrampDomain",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // STARTTLS and implicit TLS of the SMTP client.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OnrampApp",
            dependencies: [
                "OnrampDomain",
                "OnrampIntegrations",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "onramp",
            dependencies: ["OnrampApp"],
            swiftSettings: swiftSettings
        ),
        // In-process benchmarks of the domain engines (SLA due times, routing rules); `make bench`.
        .executableTarget(
            name: "onramp-bench",
            dependencies: ["OnrampDomain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OnrampDomainTests",
            dependencies: ["OnrampDomain"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // Real stand-ins the tests start (an aiosmtpd sink), shared by the test targets.
        .target(
            name: "OnrampTestSupport",
            path: "Tests/OnrampTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OnrampIntegrationsTests",
            dependencies: [
                "OnrampIntegrations",
                "OnrampTestSupport",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OnrampAppTests",
            dependencies: [
                "OnrampApp",
                "OnrampIntegrations",
                "OnrampTestSupport",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
