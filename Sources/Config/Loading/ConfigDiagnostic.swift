/// One problem found in a configuration file, located by line and column.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        /// The configuration cannot be used (check-config exits 78; a reload keeps the old configuration).
        case error
        /// Worth fixing but harmless: an unknown key, a setting that will be overridden.
        case warning
    }

    public let file: String
    public let line: Int
    public let column: Int
    public let message: String
    public let severity: Severity

    public init(file: String, line: Int, column: Int, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.severity = severity
    }

    /// `tidings.toml:12:9: poll.interval: invalid duration "5 minutes" (…)`; warnings say so after the position.
    public var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        return severity == .warning ? "\(location): warning: \(message)" : "\(location): \(message)"
    }
}

/// A configuration that cannot be used, with every problem found (not only the first), sorted by position.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Errors first matter most, but all diagnostics are kept in file order; warnings found alongside are
    /// included so a user fixing the file sees everything at once.
    public let diagnostics: [ConfigDiagnostic]

    public init(diagnostics: [ConfigDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .warning } }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
