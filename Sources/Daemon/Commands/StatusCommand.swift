import ArgumentParser

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Report what the daemon is doing and what is failing.")

    func run() async throws {
        throw NotYetBuilt(command: "status")
    }
}
