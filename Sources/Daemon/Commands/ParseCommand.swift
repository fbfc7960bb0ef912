import ArgumentParser

struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse", abstract: "Parse feed files or URLs and print what they hold.")

    func run() async throws {
        throw NotYetBuilt(command: "parse")
    }
}
