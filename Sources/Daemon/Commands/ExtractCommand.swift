import ArgumentParser

struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "extract", abstract: "Extract the main article text of an HTML page.")

    func run() async throws {
        throw NotYetBuilt(command: "extract")
    }
}
