// swift-tools-version:6.0
import PackageDescription

// Module layout (see README "Architecture"): data flows probes/logs -> RequestRecord ->
// Recorder -> metric families -> exposition -> HTTP. Only the C* targets and the one Swift
// file wrapping each touch C pointers.
let package = Package(
    name: "gatewatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gatewatch", targets: ["gatewatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev", "libssl-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd",
                       providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypt", pkgConfig: "libcrypt",
                       providers: [.apt(["libcrypt-dev"])]),

        .target(name: "Metrics"),
        .target(name: "GatewatchCore", dependencies: [
            "Metrics",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "LogTail", dependencies: ["GatewatchCore"]),
        .target(name: "Probing", dependencies: ["GatewatchCore", "CCurl"]),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "CZlib"]),
        .target(name: "Simulator", dependencies: [
            "HTTPServer", "GatewatchCore",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Gatewatch", dependencies: [
            "Metrics", "GatewatchCore", "LogTail", "Probing", "HTTPServer", "Simulator", "CCrypt",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "gatewatch", dependencies: [
            "Gatewatch", "GatewatchCore", "LogTail", "Probing", "Simulator", "Metrics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Benchmarks live outside the test suite (make bench-*).
        .executableTarget(name: "GatewatchBench", dependencies: [
            "Metrics", "GatewatchCore", "LogTail", "Gatewatch", "Probing", "HTTPServer",
        ]),

        .testTarget(name: "MetricsTests", dependencies: ["Metrics"], exclude: ["Golden"]),
        .testTarget(name: "GatewatchCoreTests", dependencies: ["GatewatchCore", "Metrics"],
                    exclude: ["Fixtures"]),  // read by path (#filePath), not bundled
        .testTarget(name: "LogTailTests", dependencies: ["LogTail", "GatewatchCore", "Metrics"]),
        .testTarget(name: "ProbingTests", dependencies: ["Probing", "GatewatchCore", "Metrics", "HTTPServer", "Simulator"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "GatewatchCore", "HTTPServer"]),
        .testTarget(name: "GatewatchTests", dependencies: ["Gatewatch", "Metrics", "GatewatchCore"]),
    ],
    swiftLanguageModes: [.v6]
)
