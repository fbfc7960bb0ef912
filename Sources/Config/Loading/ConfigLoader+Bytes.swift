/// The configuration as the bytes of a file, and a file that could not be read: the two diagnostics of the file
/// edge, worded here with every other diagnostic. Reading the disk is the caller's (`ConfigFile` in DaemonRuntime).
extension ConfigLoader {
    /// Checks the bytes of the file at `path`: invalid UTF-8 is reported at the line and column of its first bad
    /// byte; valid text goes to `parse(text:…)`.
    public static func parse(bytes: [UInt8], path: String, environment: [String: String], workingDirectory: String,
                             readFile: @escaping FileReader,
                             validateQuery: TopicQueryValidator? = nil) throws(ConfigError) -> Loaded {
        switch decodeUTF8(bytes) {
        case .invalid(let position):
            throw ConfigError(diagnostics: [ConfigDiagnostic(file: path, line: position.line, column: position.column,
                                                             message: "the file is not valid UTF-8 (TOML files must be UTF-8)")])
        case .valid(let text):
            return try parse(text: text, path: path, environment: environment, workingDirectory: workingDirectory,
                             readFile: readFile, validateQuery: validateQuery)
        }
    }

    /// The error for a configuration file that could not be read at all.
    public static func unreadable(path: String, _ failure: FileReadFailure) -> ConfigError {
        ConfigError(diagnostics: [ConfigDiagnostic(file: path, line: 0, column: 0, message: "cannot read the configuration: \(failure.reason)")])
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
