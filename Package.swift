// swift-tools-version: 6.0
import PackageDescription

// Layers point one way: C shims, VisFiles (atomic writes) -> VisTensor -> VisImage / VisWeights -> (models, pipeline, …) -> vispipe.
// Numeric targets are optimised even in debug builds: unoptimised Swift loops are 20-50x slower,
// which would make the test suite crawl on two cores.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "vispipe",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vispipe", targets: ["vispipe"]),
        .library(name: "VisTensor", targets: ["VisTensor"]),
        .library(name: "VisImage", targets: ["VisImage"]),
        .library(name: "VisWeights", targets: ["VisWeights"]),
        .library(name: "VisFiles", targets: ["VisFiles"]),
        .library(name: "VisModels", targets: ["VisModels"]),
        .library(name: "VisPipeline", targets: ["VisPipeline"]),
        .library(name: "VisService", targets: ["VisService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // MARK: C libraries (system) and the small C shim that keeps setjmp/longjmp in C.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg",
                       providers: [.apt(["libjpeg-dev"])]),
        .target(name: "CVisCodecs", dependencies: ["CPNG", "CJPEG"],
                cSettings: [.unsafeFlags(["-O2"])]),

        // MARK: Swift layers.
        .target(name: "VisFiles"),
        .target(name: "VisTensor", dependencies: ["CBLAS"], swiftSettings: optimisedInDebug),
        .target(name: "VisImage", dependencies: ["CVisCodecs", "VisTensor", "VisFiles"], swiftSettings: optimisedInDebug),
        .target(name: "VisWeights", dependencies: ["VisTensor", "VisFiles"], swiftSettings: optimisedInDebug),
        .target(name: "VisModels", dependencies: ["VisTensor", "VisImage", "VisWeights"],
                swiftSettings: optimisedInDebug),
        .target(name: "VisPipeline", dependencies: ["VisTensor", "VisImage", "VisWeights", "VisModels", "VisFiles"],
                swiftSettings: optimisedInDebug),
        // Long-running service layer: watch-folder daemon (inotify + SQLite ledger) and HTTP service.
        .target(name: "VisService", dependencies: [
            "VisFiles", "VisImage", "VisModels", "VisPipeline",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .executableTarget(name: "vispipe", dependencies: [
            "VisFiles", "VisTensor", "VisImage", "VisWeights", "VisModels", "VisPipeline", "VisService",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Release-mode micro-benchmarks of the tensor layer (`make bench`).
        .executableTarget(name: "vispipe-bench", dependencies: [
            "VisTensor", "CBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
                          path: "Sources/vispipe-bench"),

        // MARK: Tests (fixtures live in the top-level Fixtures/ folder).
        .testTarget(name: "VisTensorTests", dependencies: ["VisTensor", "VisWeights"]),
        .testTarget(name: "VisImageTests", dependencies: ["VisImage", "VisWeights"]),
        .testTarget(name: "VisWeightsTests", dependencies: ["VisWeights"]),
        .testTarget(name: "VisFilesTests", dependencies: ["VisFiles"]),
        // Service tests talk to a live server on 127.0.0.1 with Foundation's URLSession (a real
        // HTTP client) rather than HummingbirdTesting, which would pull in a TLS stack to build.
        .testTarget(name: "VisServiceTests", dependencies: ["VisService", "VisPipeline", "VisImage", "VisFiles"]),
        .testTarget(name: "VisPipelineTests", dependencies: ["VisPipeline", "VisModels", "VisImage", "VisFiles"]),
        .testTarget(name: "VisModelsTests", dependencies: ["VisModels", "VisWeights", "VisImage"]),
        // VisModels/VisImage/VisWeights let the CLI tests build inputs and check the binary's outputs in-process.
        .testTarget(name: "VispipeCLITests", dependencies: ["vispipe", "VisModels", "VisImage", "VisWeights"]),
    ],
    swiftLanguageModes: [.v6]
)
