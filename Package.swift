// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "flowproof",
    products: [
        .executable(name: "flowproof", targets: ["flowproof"]),
        // For Swift users (README, "Using flowproof from Swift"): everything but the command line.
        .library(
            name: "FlowproofKit",
            targets: [
                "CouplingCore", "FileIO", "ExactLinearAlgebra", "CouplingLayers", "Certificates",
                "FloatLinearAlgebra", "FloatCouplingLayers", "LayerExport", "Search", "Workflows",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Writing .npz exports (a zip of .npy files). On Linux it links zlib (Debian: zlib1g-dev).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Reading bounded regular files and writing files atomically (Foundation only).
        .target(name: "FileIO", exclude: ["README.md"]),
        // The vocabulary both arithmetics share: regime, seeded generator, pair, input errors (no C, no Foundation).
        .target(name: "CouplingCore", exclude: ["README.md"]),
        // C interop: GMP. Only ExactLinearAlgebra imports it.
        .systemLibrary(
            name: "CGMP", path: "Sources/CGMP",
            providers: [.apt(["libgmp-dev"])]),
        .target(name: "ExactLinearAlgebra", dependencies: ["CGMP", "CouplingCore", "FileIO"], exclude: ["README.md"]),
        // C interop: LAPACKE + CBLAS (OpenBLAS). Only FloatLinearAlgebra imports it.
        .systemLibrary(
            name: "CLAPACKE", path: "Sources/CLAPACKE",
            providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]),
        .target(name: "FloatLinearAlgebra", dependencies: ["CLAPACKE", "CouplingCore"], exclude: ["README.md"]),
        .target(
            name: "FloatCouplingLayers", dependencies: ["CouplingCore", "FloatLinearAlgebra", "ExactLinearAlgebra"], exclude: ["README.md"]),
        // FloatLinearAlgebra: LAPACK for the numerical depth-2 search (the proofs it feeds are checked exactly).
        .target(
            name: "CouplingLayers", dependencies: ["CouplingCore", "ExactLinearAlgebra", "FloatLinearAlgebra"], exclude: ["README.md"]),
        .target(name: "Certificates", dependencies: ["FileIO", "ExactLinearAlgebra", "CouplingLayers"], exclude: ["README.md"]),
        .target(
            name: "LayerExport",
            dependencies: [
                "ExactLinearAlgebra", "CouplingLayers", "FloatLinearAlgebra", "FloatCouplingLayers",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ], exclude: ["README.md"]),
        .target(name: "Search", dependencies: ["ExactLinearAlgebra", "CouplingLayers", "Certificates"], exclude: ["README.md"]),
        // Library entry points for whole workflows; the command line calls one each.
        .target(
            name: "Workflows",
            dependencies: [
                "FileIO", "ExactLinearAlgebra", "CouplingLayers", "Certificates", "FloatLinearAlgebra", "FloatCouplingLayers",
                "LayerExport", "Search",
            ], exclude: ["README.md"]),
        .executableTarget(
            name: "flowproof",
            dependencies: [
                "Workflows",
                "FileIO",
                "ExactLinearAlgebra", "CouplingLayers", "Certificates", "Search",
                "FloatLinearAlgebra", "FloatCouplingLayers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "FileIOTests", dependencies: ["FileIO"]),
        .testTarget(
            name: "WorkflowsTests", dependencies: ["Workflows", "Certificates", "CouplingLayers", "ExactLinearAlgebra", "Search"]),
        .testTarget(name: "ExactLinearAlgebraTests", dependencies: ["ExactLinearAlgebra"]),
        // Test matrices that more than one test target builds.
        .target(name: "TestFixtures", dependencies: ["CouplingCore", "ExactLinearAlgebra"], path: "Tests/TestFixtures"),
        .testTarget(name: "CouplingLayersTests", dependencies: ["CouplingLayers", "ExactLinearAlgebra", "TestFixtures"]),
        .testTarget(name: "FloatLinearAlgebraTests", dependencies: ["FloatLinearAlgebra"]),
        .testTarget(
            name: "FloatCouplingLayersTests",
            dependencies: ["CouplingCore", "FloatCouplingLayers", "FloatLinearAlgebra", "ExactLinearAlgebra"]),
        .testTarget(name: "SearchTests", dependencies: ["Search", "CouplingLayers", "Certificates", "ExactLinearAlgebra"]),
        .testTarget(
            name: "CertificatesTests", dependencies: ["Certificates", "CouplingLayers", "ExactLinearAlgebra", "FileIO", "TestFixtures"]),
    ]
)
