import ArgumentParser
import Store

/// `tidings-bench`: the benchmark and stress drivers that bench/*.sh and the crash-safety test run. They live in
/// their own executable so the `tidings` binary people install carries only the product.
@main
struct TidingsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings-bench",
        abstract: "Benchmark and stress drivers for tidings (not installed; used by bench/ and the tests).",
        subcommands: [FetchBenchCommand.self, StoreBenchCommand.self, StoreStressCommand.self, MallocProbeCommand.self]
    )
}

/// The store a store driver works on: `--sqlite PATH` or `--postgres URL` (PostgreSQL wins when both are given).
struct StoreLocationOptions: ParsableArguments {
    @Option(help: "SQLite database path.") var sqlite: String?
    @Option(help: "PostgreSQL URL (instead of --sqlite).") var postgres: String?

    func open() throws -> any Store {
        guard let location = postgres ?? sqlite else { throw ValidationError("give --sqlite PATH or --postgres URL") }
        return try StoreFactory.open(location: location)
    }
}
