// swift-tools-version:6.0
import PackageDescription

// Layout (see README "Architecture"):
//   C libraries come in through system-library targets; variadic C calls go through CShims.
//   Config, Coverage: pure Swift, no I/O.  Feeds: fetch + parse.  Articles: page extraction.
//   Store: SQLite / PostgreSQL.  Pipeline: poll cycle, outbox, sinks.  DaemonRuntime: the daemon's process (run
//   loop, signals, systemd, journald).  Daemon: the `tidings` CLI.
let package = Package(
    name: "tidings",
    products: [
        .executable(name: "tidings", targets: ["Daemon"]),
        .executable(name: "tidings-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCompression", providers: [.apt(["libdeflate-dev", "libbrotli-dev", "libzstd-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // CShims: non-variadic wrappers for libcurl, and libxml2's one-time set-up (tidings_xml_initialize) that
        // Feeds and Articles share.
        .target(name: "CShims", dependencies: ["CCurl", "CLibXML2"]),
        // The web server: Debian's libmicrohttpd (see docs/web.md for why, and the measurements).
        .target(name: "CMicroHTTPD", linkerSettings: [.linkedLibrary("microhttpd")]),

        // Support: the one copy of helpers several targets need (stable hash, JSON string writing, ISO-8601, HTML
        // escaping, civil calendar arithmetic, glibc malloc tuning, charset decoding for feeds and pages); Swift only, no dependencies.
        .target(name: "Support"),
        .target(name: "Config"),
        .target(name: "Coverage", dependencies: ["Support"]),
        .target(name: "Feeds", dependencies: ["Support", "CShims", "CLibXML2", "CCurl", "CCompression"]),
        .target(name: "Articles", dependencies: ["Support", "CShims", "CLibXML2"]),
        .target(name: "Store", dependencies: ["Support", "CSQLite", "CPostgres"]),
        .target(name: "Pipeline", dependencies: [
            "Support", "Config", "Coverage", "Feeds", "Articles", "Store", "CCrypto",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The daemon's process: run loop (DaemonRunner), `poll --once`, signals, systemd notifications, journald
        // logging, opening the store and fetcher (Services). Daemon holds the command line only.
        .target(name: "DaemonRuntime", dependencies: [
            "Support", "Config", "Feeds", "Store", "Pipeline", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Web", dependencies: [
            "CMicroHTTPD", "Support", "Config", "Coverage", "Store", "Pipeline", .product(name: "Logging", package: "swift-log"),
        ]),
        // The Swift runtime and Foundation linked in statically (issue 19): only the code the daemon uses is mapped,
        // with no dynamic symbol lookups into them at start; 5.7 MB less resident in a 10,000-feed cycle.
        .executableTarget(name: "Daemon", dependencies: [
            "Support", "Config", "Coverage", "Feeds", "Articles", "Store", "Pipeline", "DaemonRuntime", "Web",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "--start-group", "-lFoundation", "-lCoreFoundation",
                                      "-l_FoundationICU", "-lFoundationEssentials", "-lFoundationInternationalization",
                                      "-l_FoundationCShims", "-l_FoundationCollections", "-Xlinker", "--end-group",
                                      "-lstdc++"])]),
        // Benchmark and stress drivers (bench/*.sh, the crash-safety test): kept out of the product binary.
        .executableTarget(name: "Bench", dependencies: [
            "Support", "Feeds", "Store", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "TestSupport"]),
        .testTarget(name: "SupportTests", dependencies: ["Support", "TestSupport"]),
        .testTarget(name: "CoverageTests", dependencies: ["Coverage", "Support", "Config", "TestSupport"]),
        .systemLibrary(name: "CBrotliEncoder", path: "Tests/CBrotliEncoder"),
        .testTarget(name: "FeedsTests", dependencies: ["Feeds", "Support", "TestSupport", "CCompression", "CBrotliEncoder"]),
        .testTarget(name: "ArticlesTests", dependencies: ["Articles", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "DaemonRuntime", "Support", "TestSupport"]),
        .testTarget(name: "DaemonTests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
