import ArgumentParser

/// `tidings-bench`: the benchmark and stress drivers that bench/*.sh and the crash-safety test run. They live in
/// their own executable so the `tidings` binary people install carries only the product.
@main
struct TidingsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings-bench",
        abstract: "Benchmark and stress drivers for tidings (not installed; used by bench/ and the tests).",
        subcommands: [FetchBenchCommand.self, StoreBenchCommand.self, StoreStressCommand.self]
    )
}
