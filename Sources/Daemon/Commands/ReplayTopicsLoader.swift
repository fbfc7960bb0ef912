// TEMPORARY: replaced by Config
//
// A minimal reader for the `[[topic]]` tables of a tidings configuration (`name = "…"`, `query = '…'`), so
// `tidings replay` works before the Config target's full TOML parser lands. Other tables and keys are skipped.
import Coverage
import Foundation

struct ReplayTopicsError: Error, CustomStringConvertible {
    let path: String
    let line: Int?
    let message: String
    var description: String { line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)" }
}

enum ReplayTopicsLoader {
    static func load(path: String) throws -> [Topic] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReplayTopicsError(path: path, line: nil, message: "cannot read the configuration file")
        }
        let text = String(decoding: data, as: UTF8.self)
        var topics: [Topic] = []
        var inTopic = false
        var name: String?
        var query: String?
        var tableLine = 0

        func finish() throws {
            guard inTopic else { return }
            guard let n = name else { throw ReplayTopicsError(path: path, line: tableLine, message: "[[topic]] without a name") }
            guard let q = query else { throw ReplayTopicsError(path: path, line: tableLine, message: "topic \"\(n)\" has no query") }
            do {
                topics.append(try Topic(name: n, queryText: q))
            } catch {
                throw ReplayTopicsError(path: path, line: tableLine, message: error.description)
            }
        }

        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                try finish()
                inTopic = line.replacingOccurrences(of: " ", with: "") == "[[topic]]"
                name = nil
                query = nil
                tableLine = lineNumber
                continue
            }
            guard inTopic, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let valueText = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard key == "name" || key == "query" else { continue }
            guard let value = stringValue(valueText) else {
                throw ReplayTopicsError(path: path, line: lineNumber, message: "\(key) must be a quoted string on one line")
            }
            if key == "name" { name = value } else { query = value }
        }
        try finish()
        if topics.isEmpty { throw ReplayTopicsError(path: path, line: nil, message: "no [[topic]] tables found") }
        return topics
    }

    /// A TOML literal string ('…') or basic string ("…" with \" \\ \n \t escapes), optionally followed by a comment.
    private static func stringValue(_ text: String) -> String? {
        guard let quote = text.first, quote == "'" || quote == "\"" else { return nil }
        var out = ""
        var escaped = false
        for c in text.dropFirst() {
            if quote == "\"" && escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(c)
                }
                escaped = false
                continue
            }
            if quote == "\"" && c == "\\" { escaped = true; continue }
            if c == quote { return out }
            out.append(c)
        }
        return nil
    }
}
