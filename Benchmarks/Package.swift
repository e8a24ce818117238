// swift-tools-version:6.0
// Benchmarks live in their own package (as in swift-nio) so that CI's test
// build never compiles them. Run them with `make bench` (see README).
import PackageDescription

let kit: Target.Dependency = .product(name: "CrawldKit", package: "crawld")

let package = Package(
    name: "crawld-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "crawld", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(name: "ProtocolBench", dependencies: [kit]),
        .executableTarget(name: "LuaBench", dependencies: [kit]),
        .executableTarget(name: "HTMLBench", dependencies: [kit, "HTMLBaseline", "BenchSupport"]),
        .target(name: "BenchSupport"),
        .target(
            name: "HTMLBaseline",
            cSettings: [.unsafeFlags(["-I/usr/include/libxml2"])],
            linkerSettings: [.linkedLibrary("xml2")]
        ),
        .executableTarget(name: "ExtractBench", dependencies: [kit, "HTMLBaseline", "BenchSupport"]),
        .executableTarget(name: "SelectorBench", dependencies: [kit]),
        .executableTarget(name: "PoolBench", dependencies: [kit]),
        .executableTarget(name: "CrawlBench", dependencies: [kit]),
        .executableTarget(name: "CrawlPathBench", dependencies: [kit, "BenchSupport", .product(name: "NIOPosix", package: "swift-nio")]),
        .executableTarget(
            name: "FetchBench",
            dependencies: [kit, "BenchSupport", .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")]),
        .executableTarget(name: "MonitorBench", dependencies: [kit]),
        .executableTarget(name: "BrowserBench", dependencies: [kit]),
        .executableTarget(name: "FitBench", dependencies: [.product(name: "CrawldHTML", package: "crawld"), "BenchSupport"]),
        .executableTarget(name: "OutlineBench", dependencies: [.product(name: "CrawldHTML", package: "crawld")]),
    ]
)
