import ArgumentParser

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the daemon: poll, judge, alert, continuously.")

    func run() async throws {
        throw NotYetBuilt(command: "run")
    }
}
