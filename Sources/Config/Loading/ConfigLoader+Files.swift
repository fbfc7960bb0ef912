import Foundation

/// The file edge of Config: reading the configuration file and secret files from disk. Everything else in Config
/// works on text and values it is given.
extension ConfigLoader {
    /// Reads and checks the configuration at `path`. Relative paths inside it resolve against its folder.
    public static func load(path: String,
                            environment: [String: String],
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
                return try parse(text: text, path: path, environment: environment,
                                 workingDirectory: FileManager.default.currentDirectoryPath, readFile: readTextFile,
                                 validateQuery: validateQuery)
            }
        }
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
