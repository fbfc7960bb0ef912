import ArgumentParser

/// Thrown by subcommands whose issue has not landed yet; exits 1 with a plain message.
struct NotYetBuilt: Error, CustomStringConvertible {
    let command: String
    var description: String { "tidings \(command): not built yet" }
}
