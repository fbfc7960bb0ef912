import ArgumentParser

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Judge a stream of articles against the configured topics.")

    func run() async throws {
        throw NotYetBuilt(command: "replay")
    }
}
