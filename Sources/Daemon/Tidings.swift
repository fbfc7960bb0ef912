import ArgumentParser

@main
struct Tidings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings",
        abstract: "Watch news feeds and alert only on stories that add new facts.",
        version: TidingsVersion.string,
        subcommands: [
            RunCommand.self, PollCommand.self, StatusCommand.self, CheckConfigCommand.self,
            ParseCommand.self, ExtractCommand.self, ReplayCommand.self,
            StoreStressCommand.self, StoreBenchCommand.self, FetchBenchCommand.self,
        ]
    )
}

enum TidingsVersion {
    static let string = "0.1.0"
}
