import Foundation

/// Reads, checks and resolves a tidings configuration file. Every problem is collected (not just the first)
/// and reported as `file:line:column: message`; unknown keys and harmless oddities are warnings.
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

    /// Reads and checks the configuration at `path`. Relative paths inside it resolve against its folder.
    public static func load(path: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            validateQuery: TopicQueryValidator? = nil) throws(ConfigError) -> Loaded {
        switch readBytes(path) {
        case .failure(let failure):
            throw ConfigError(diagnostics: [ConfigDiagnostic(file: path, line: 0, column: 0, message: "cannot read the configuration: \(failure.reason)")])
        case .success(let bytes):
            switch decodeUTF8(bytes) {
            case .invalid(let position):
                throw ConfigError(diagnostics: [ConfigDiagnostic(file: path, line: position.line, column: position.column,
                                                                 message: "the file is not valid UTF-8 (TOML files must be UTF-8)")])
            case .valid(let text):
                return try parse(text: text, path: path, environment: environment, validateQuery: validateQuery)
            }
        }
    }

    /// Checks configuration text as if read from `path` (used in messages and to resolve relative paths,
    /// against `workingDirectory` when `path` itself is relative).
    public static func parse(text: String, path: String, environment: [String: String] = [:],
                             workingDirectory: String = FileManager.default.currentDirectoryPath,
                             readFile: @escaping FileReader = ConfigLoader.readTextFile,
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

    /// The default `FileReader`: the whole file as UTF-8, without its trailing line break.
    public static let readTextFile: FileReader = { path in
        readBytes(path).flatMap { bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(FileReadFailure("not valid UTF-8")) }
            return .success(text)
        }
    }

    static func readBytes(_ path: String) -> Result<[UInt8], FileReadFailure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(FileReadFailure("no such file"))
        }
        if isDirectory.boolValue { return .failure(FileReadFailure("it is a directory")) }
        guard FileManager.default.isReadableFile(atPath: path) else { return .failure(FileReadFailure("permission denied")) }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(FileReadFailure("read error")) }
        return .success([UInt8](data))
    }

    /// Decodes UTF-8, or says where the first invalid byte is.
    enum DecodedText { case valid(String), invalid(at: SourcePosition) }

    static func decodeUTF8(_ bytes: [UInt8]) -> DecodedText {
        if let text = String(validating: bytes, as: UTF8.self) { return .valid(text) }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var line = 1, column = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput:
                return .valid(String(decoding: bytes, as: UTF8.self))
            case .error:
                return .invalid(at: SourcePosition(line: line, column: column))
            }
        }
    }
}
