import Foundation

/// Checks and resolves a tidings configuration. Every problem is collected (not just the first) and reported as
/// `file:line:column: message`; unknown keys and harmless oddities are warnings. Pure: it works on the text (or
/// bytes) and the environment it is given, and reads secret files only through the `FileReader` passed in.
/// Reading the disk and the process environment is the caller's: `ConfigFile` in DaemonRuntime.
public enum ConfigLoader {
    public typealias Loaded = (config: TidingsConfig, warnings: [ConfigDiagnostic])

    /// Why a file (the configuration, or a webhook's `secret_file`) could not be read.
    public struct FileReadFailure: Error, Sendable, Equatable {
        public let reason: String
        public init(_ reason: String) { self.reason = reason }
    }

    /// Checks one topic query: nil when it parses, else the 1-based column (in Characters) of the problem and
    /// what is wrong. The query language lives in Coverage; the daemon passes its parser in, so a bad query is
    /// reported like every other problem, at its file position, and rejects a reload.
    public typealias TopicQueryValidator = @Sendable (_ query: String) -> (column: Int, message: String)?

    /// Reads secret files. Replaceable so tests (and callers with their own sandboxing) can supply contents.
    public typealias FileReader = @Sendable (_ path: String) -> Result<String, FileReadFailure>

    /// Checks configuration text as if read from `path` (used in messages and to resolve relative paths,
    /// against `workingDirectory` when `path` itself is relative).
    /// Pure: nothing is read from the process or the disk but through `environment` and `readFile`.
    public static func parse(text: String, path: String, environment: [String: String], workingDirectory: String,
                             readFile: @escaping FileReader,
                             validateQuery: TopicQueryValidator? = nil) throws(ConfigError) -> Loaded {
        let document: TOMLTable
        do {
            document = try TOML.parse(text)
        } catch {
            throw ConfigError(diagnostics: [ConfigDiagnostic(file: path, line: error.position.line, column: error.position.column,
                                                             message: error.message)])
        }
        var builder = ConfigBuilder(document: document, path: path, environment: environment,
                                    directory: URLRules.directory(of: path, workingDirectory: workingDirectory),
                                    workingDirectory: workingDirectory, readFile: readFile, validateQuery: validateQuery)
        let config = builder.build()
        let diagnostics = builder.diagnostics.sorted
        guard let config, !builder.diagnostics.hasErrors else { throw ConfigError(diagnostics: diagnostics) }
        return (config, diagnostics)
    }
}
