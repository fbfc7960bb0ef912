import Config
import Foundation
import Pipeline

/// The file edge of the configuration: reads the configuration file and secret files from disk and takes the
/// process's environment and working directory, then hands bytes and values to the pure `ConfigLoader`, which
/// words every diagnostic.
public enum ConfigFile {
    /// Reads and checks the configuration at `path`. Relative paths inside it resolve against its folder.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            validateQuery: ConfigLoader.TopicQueryValidator? = nil) throws(ConfigError) -> ConfigLoader.Loaded {
        try ConfigLoader.parse(bytes: readConfiguration(path), path: path, environment: environment,
                               workingDirectory: FileManager.default.currentDirectoryPath, readFile: readTextFile,
                               validateQuery: validateQuery)
    }

    /// The file's bytes, or the "cannot read the configuration" error.
    static func readConfiguration(_ path: String) throws(ConfigError) -> [UInt8] {
        switch readBytes(path) {
        case .failure(let failure): throw ConfigLoader.unreadable(path: path, failure)
        case .success(let bytes): return bytes
        }
    }

    /// The `FileReader` for secret files: the whole file as UTF-8 (Config drops its trailing line break).
    public static let readTextFile: ConfigLoader.FileReader = { path in
        readBytes(path).flatMap { bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(ConfigLoader.FileReadFailure("not valid UTF-8")) }
            return .success(text)
        }
    }

    static func readBytes(_ path: String) -> Result<[UInt8], ConfigLoader.FileReadFailure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(ConfigLoader.FileReadFailure("no such file"))
        }
        if isDirectory.boolValue { return .failure(ConfigLoader.FileReadFailure("it is a directory")) }
        guard FileManager.default.isReadableFile(atPath: path) else { return .failure(ConfigLoader.FileReadFailure("permission denied")) }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(ConfigLoader.FileReadFailure("read error")) }
        return .success([UInt8](data))
    }
}

extension RuntimeConfig {
    /// Loads and checks the file; throws every problem found (file:line:column: message).
    /// `needSecrets: false` (for `status`, which never signs anything) accepts webhook secrets that are not
    /// available to the caller: an admin's shell lacks the daemon's environment and credentials.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            needSecrets: Bool = true) throws(ConfigError) -> RuntimeConfig {
        try checking(needSecrets
            ? ConfigFile.load(path: path, environment: environment)
            : loadWithoutSecrets(path: path, environment: environment),
            readOPML: { OPMLFeeds.read(path: $0) })
    }

    private static func loadWithoutSecrets(path: String, environment: [String: String]) throws(ConfigError) -> ConfigLoader.Loaded {
        let bytes = try ConfigFile.readConfiguration(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            // Let the loader produce its own precise message (where the UTF-8 breaks).
            return try ConfigFile.load(path: path, environment: environment)
        }
        var placeholders = environment
        let document = try? TOML.parse(text)
        for sink in document?.entry("alert")?.value.arrayValue ?? [] {
            for key in ["secret_env", "password_env"] {
                if let name = sink.tableValue?.entry(key)?.value.stringValue, placeholders[name] == nil {
                    placeholders[name] = "unused-by-status"
                }
            }
        }
        if let name = document?.entry("http")?.value.tableValue?.entry("auth_token_env")?.value.stringValue,
           placeholders[name] == nil {
            placeholders[name] = "unused-by-status"
        }
        return try ConfigLoader.parse(text: text, path: path, environment: placeholders,
                                      workingDirectory: FileManager.default.currentDirectoryPath,
                                      readFile: { _ in .success("unused-by-status") })
    }
}
