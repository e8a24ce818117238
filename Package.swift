// swift-tools-version:6.0
// crawld: a crawler daemon. The module map and the direction of imports are
// in docs/architecture.md; this manifest follows it target for target.
import PackageDescription

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")

let package = Package(
    name: "crawld",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "crawld", targets: ["crawld"]),
        .library(name: "CrawldKit", targets: ["Daemon", "JSON", "Protocol", "LuaBridge", "HTML", "Pool", "Engines", "Scripting", "Crawl", "Redis", "Monitor", "Jobs", "PublicSuffix", "Threads", "HTTPFront", "MCPBridge", "Sitemaps"]),
        // HTML alone, for benchmarks that need only it (FitBench) without building the daemon's stack.
        .library(name: "CrawldHTML", targets: ["HTML"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // MARK: - C libraries (Debian's -dev packages, found through pkg-config)
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .target(name: "CLuaShims", dependencies: ["CLua"]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .target(name: "CProcessShims"),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CPSL", pkgConfig: "libpsl", providers: [.apt(["libpsl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: - Modules (leaves first)
        .target(name: "JSON", dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
        .target(name: "LuaBridge", dependencies: ["CLua", "CLuaShims"]),
        .target(name: "HTML", dependencies: ["CLibXML2", "Threads"]),
        .target(name: "Pool", dependencies: [logging]),
        .target(name: "PublicSuffix", dependencies: ["CPSL"]),
        .target(name: "Threads", dependencies: ["CProcessShims"]),
        .target(name: "Sitemaps", dependencies: ["CLibXML2", "CZlib"]),
        .target(name: "Redis", dependencies: ["CHiredis", "Threads", logging, .product(name: "DequeModule", package: "swift-collections")]),
        .target(
            name: "Protocol",
            dependencies: [
                "JSON", logging, .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ] + nio
        ),
        .target(
            name: "Engines",
            dependencies: [
                "Pool", "JSON", "PublicSuffix", "Threads", "CProcessShims", logging,
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "NIOSOCKS", package: "swift-nio-extras"),
            ] + nio
        ),
        .target(name: "Scripting", dependencies: ["LuaBridge", "HTML", "Pool", "JSON", "Threads", logging, .product(name: "NIOPosix", package: "swift-nio")]),
        .target(
            name: "Crawl",
            dependencies: [
                "Engines", "Pool", "Scripting", "HTML", "JSON", logging, .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "Monitor", dependencies: ["Redis", "JSON", logging, .product(name: "DequeModule", package: "swift-collections")] + nio),
        .target(
            name: "Jobs",
            dependencies: [
                "Crawl", "Pool", "PublicSuffix", "Redis", "Scripting", "Sitemaps", "JSON", logging,
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "Daemon",
            dependencies: [
                "Protocol", "Jobs", "Crawl", "Monitor", "Redis", "Scripting", "LuaBridge", "HTML", "Pool", "Engines", "JSON", "Threads", "CProcessShims", "HTTPFront", logging,
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ] + nio
        ),
        // The HTTP side: routes that call the daemon's ops, /metrics, the dashboard, MCP at /mcp.
        .target(
            name: "HTTPFront",
            dependencies: [
                "Protocol", "JSON", "MCPBridge", .product(name: "MCP", package: "swift-sdk"), logging, .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.embedInCode("Dashboard/dashboard.html"), .embedInCode("Dashboard/dashboard.js"), .embedInCode("Dashboard/dashboard.css")]
        ),
        .target(
            name: "MCPBridge",
            dependencies: ["JSON", .product(name: "MCP", package: "swift-sdk"), .product(name: "NIOExtras", package: "swift-nio-extras")] + nio
        ),
        // The daemon runs on jemalloc (libjemalloc-dev): libxml2 allocates every node, and under
        // glibc's malloc its fastbin consolidation ran on nearly every page (docs/benchmarks.md).
        // Its release build links with the toolchain's lld, packs its relative relocations
        // (DT_RELR, glibc 2.36) and exports no symbols but those a shared library defines too
        // (jemalloc's `malloc_conf`), where the static Swift runtime's link exports all of them:
        // with the static runtime `make build` asks for, an idle daemon maps 10 MB fewer pages
        // and starts on a fifth less CPU (docs/benchmarks.md, "a static runtime").
        // It lays out first the functions a crawl runs (symbol-order.txt, which
        // Benchmarks/scripts/symbol-order.sh writes from callgrind), and gathers the functions that
        // have no name to order by (nameless-functions.ld), so the pages of code the daemon maps are
        // pages it runs: 10 MB fewer again (docs/benchmarks.md, "code laid out by use").
        .executableTarget(
            name: "crawld",
            dependencies: ["Daemon", "HTTPFront", "Protocol", "Monitor", "Redis", "MCPBridge", logging, .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["symbol-order.txt", "nameless-functions.ld"],
            linkerSettings: [
                .linkedLibrary("jemalloc"),
                .unsafeFlags(
                    [
                        "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
                        "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/crawld/symbol-order.txt",
                        "-Xlinker", "--no-warn-symbol-ordering",
                        "-Xlinker", "--script=\(Context.packageDirectory)/Sources/crawld/nameless-functions.ld",
                    ],
                    .when(configuration: .release)
                ),
            ]
        ),

        // MARK: - Tests (one target per module, plus end-to-end tests of the real binary)
        .target(name: "TestSupport", dependencies: ["JSON", "Threads"] + nio, path: "Tests/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(
            name: "ProtocolTests",
            dependencies: [
                "Protocol", "JSON", "TestSupport", logging, .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ] + nio
        ),
        .testTarget(name: "LuaBridgeTests", dependencies: ["LuaBridge", "TestSupport"]),
        .testTarget(name: "HTMLTests", dependencies: ["HTML"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PoolTests", dependencies: ["Pool", "TestSupport", logging]),
        .testTarget(name: "EnginesTests", dependencies: ["Engines", "Pool", "JSON", "TestSupport", logging, .product(name: "NIOHTTP1", package: "swift-nio")] + nio),
        .testTarget(name: "BrowserTests", dependencies: ["Engines", "JSON", "TestSupport", logging]),
        .testTarget(name: "ScriptingTests", dependencies: ["Scripting", "LuaBridge", "HTML", "Pool", "JSON", "TestSupport", logging, .product(name: "InMemoryLogging", package: "swift-log")]),
        .testTarget(
            name: "CrawlTests",
            dependencies: ["Crawl", "Engines", "Pool", "Scripting", "LuaBridge", "JSON", "TestSupport", logging, .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "Protocol", "JSON", "TestSupport", "Engines",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ThreadsTests", dependencies: ["Threads", "TestSupport"]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "TestSupport", logging]),
        .testTarget(name: "MonitorTests", dependencies: ["Monitor", "Redis", "JSON", "TestSupport", logging] + nio),
        .testTarget(name: "JobsTests", dependencies: ["Jobs", "Redis", "Scripting", "JSON", "TestSupport", logging]),
        .testTarget(name: "SitemapsTests", dependencies: ["Sitemaps", "TestSupport"]),
    ]
)
