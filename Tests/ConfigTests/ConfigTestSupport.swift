import Testing
@testable import Config

/// Loads configuration text as if it were /etc/tidings/tidings.toml, with a chosen environment, working
/// directory and secret files, so tests see exactly what they set up.
enum ConfigFixture {
    static let path = "/etc/tidings/tidings.toml"

    static func load(_ text: String, environment: [String: String] = [:], workingDirectory: String = "/srv/run",
                     path: String = path, files: [String: String] = [:],
                     validateQuery: ConfigLoader.TopicQueryValidator? = nil) throws(ConfigError) -> ConfigLoader.Loaded {
        try ConfigLoader.parse(text: text, path: path, environment: environment, workingDirectory: workingDirectory,
                               readFile: { requested in
                                   files[requested].map { .success($0) } ?? .failure(ConfigLoader.FileReadFailure("no such file"))
                               },
                               validateQuery: validateQuery)
    }

    /// The errors of a configuration that must not load; records an issue when it loads.
    static func errors(_ text: String, environment: [String: String] = [:], files: [String: String] = [:],
                       sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigDiagnostic] {
        do {
            let (config, _) = try load(text, environment: environment, files: files)
            Issue.record("loaded, expected errors: \(config.summary)", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.errors
        }
    }

    /// The warnings of a configuration that must load.
    static func warnings(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigDiagnostic] {
        do {
            return try load(text).warnings
        } catch {
            Issue.record("did not load: \(error)", sourceLocation: sourceLocation)
            return []
        }
    }

    static let oneFeed = "[[feed]]\nurl = \"https://example.org/rss.xml\"\n"
}
