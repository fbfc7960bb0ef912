import ArgumentParser

struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "poll", abstract: "Poll due feeds once and store what is new.")

    func run() async throws {
        throw NotYetBuilt(command: "poll")
    }
}
