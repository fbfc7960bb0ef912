import ArgumentParser

struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Check a configuration file and report every problem.")

    func run() async throws {
        throw NotYetBuilt(command: "check-config")
    }
}
