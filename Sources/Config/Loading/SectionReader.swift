import Foundation

/// Collects every diagnostic of one load, so a user sees all problems at once.
final class DiagnosticCollector {
    let file: String
    private(set) var diagnostics: [ConfigDiagnostic] = []

    init(file: String) { self.file = file }

    func error(_ message: String, at position: SourcePosition) {
        diagnostics.append(ConfigDiagnostic(file: file, line: position.line, column: position.column, message: message, severity: .error))
    }

    func warning(_ message: String, at position: SourcePosition) {
        diagnostics.append(ConfigDiagnostic(file: file, line: position.line, column: position.column, message: message, severity: .warning))
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    var sorted: [ConfigDiagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            (lhs.element.line, lhs.element.column, lhs.offset) < (rhs.element.line, rhs.element.column, rhs.offset)
        }.map(\.element)
    }
}

/// Typed access to one table of the configuration; every wrong type, bad value or missing key becomes a
/// diagnostic at the value's (or the table's) position, and the accessor returns nil so loading goes on.
struct SectionReader {
    let table: TOMLTable
    /// How messages name this table: "poll", "feed[2]" (1-based), or "" for the top level.
    let name: String
    let diagnostics: DiagnosticCollector

    func label(_ key: String) -> String { name.isEmpty ? key : "\(name).\(key)" }

    func has(_ key: String) -> Bool { table[key] != nil }

    func position(of key: String) -> SourcePosition { table[key]?.position ?? table.position }

    func keyPosition(of key: String) -> SourcePosition { table.entry(key)?.keyPosition ?? table.position }

    func error(_ key: String, _ message: String, at position: SourcePosition? = nil) {
        diagnostics.error("\(label(key)): \(message)", at: position ?? self.position(of: key))
    }

    func warning(_ key: String, _ message: String, at position: SourcePosition? = nil) {
        diagnostics.warning("\(label(key)): \(message)", at: position ?? self.position(of: key))
    }

    private func missing(_ key: String, _ what: String) {
        let owner = name.isEmpty ? "the configuration" : name
        diagnostics.error("\(owner): missing required key \"\(key)\" (\(what))", at: table.position)
    }

    static func describe(_ value: TOMLValue) -> String {
        switch value.kind {
        case .string(let text): "the string \"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        case .integer(let number): "the integer \(number)"
        case .float(let number): "the float \(number)"
        case .boolean(let flag): "the boolean \(flag)"
        case .dateTime(let date): "the \(date.kindName) \(date)"
        case .array: "an array"
        case .table: "a table"
        }
    }

    /// Reports that `key` holds a value of the wrong type and gives the accessor its nil: `slip`'s message when
    /// it recognises a common mistake in the value, else "expected …, found …".
    func wrongType<T>(_ key: String, _ value: TOMLValue, expected: String,
                      slip: (TOMLValue.Kind) -> String? = { _ in nil }) -> T? {
        error(key, slip(value.kind) ?? "expected \(expected), found \(Self.describe(value))")
        return nil
    }

    /// A string value; nil (with a diagnostic) when missing-but-required, of another type, or empty.
    func string(_ key: String, required: String? = nil, allowEmpty: Bool = false) -> (text: String, value: TOMLValue)? {
        guard let value = table[key] else {
            if let required { missing(key, required) }
            return nil
        }
        guard let text = value.stringValue else { return wrongType(key, value, expected: "a string") }
        if !allowEmpty && text.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            error(key, "must not be empty")
            return nil
        }
        return (text, value)
    }

    func bool(_ key: String) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.booleanValue else { return wrongType(key, value, expected: "true or false") }
        return flag
    }

    func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.integerValue else {
            return wrongType(key, value, expected: "an integer") { kind in
                guard case .string(let text) = kind, Int(text) != nil else { return nil }
                return "expected an integer, found a string (write \(text) without quotes)"
            }
        }
        guard number >= Int64(range.lowerBound), number <= Int64(range.upperBound) else {
            error(key, "\(number) is out of range (\(range.lowerBound)…\(range.upperBound))")
            return nil
        }
        return Int(number)
    }

    /// A duration string, in seconds, at least `minimumSeconds`.
    func duration(_ key: String, minimumSeconds: Int = 1) -> TimeInterval? {
        guard let value = table[key] else { return nil }
        guard let text = value.stringValue else {
            return wrongType(key, value, expected: #"a duration string such as "30s", "10m", "2h" or "1d""#) { kind in
                guard case .integer(let number) = kind else { return nil }
                return "expected a duration string such as \"\(number)s\", found the integer \(number) (durations use s, m, h, d)"
            }
        }
        switch DurationParser.parse(text) {
        case .failure(let failure):
            error(key, failure.description)
            return nil
        case .success(let seconds):
            guard seconds >= minimumSeconds else {
                error(key, "must be at least \(DurationParser.format(minimumSeconds)), found \"\(text)\"")
                return nil
            }
            return TimeInterval(seconds)
        }
    }

    /// A size string ("10MB", 1024-based) or a plain integer count of bytes.
    func size(_ key: String, minimumBytes: Int) -> Int? {
        guard let value = table[key] else { return nil }
        let bytes: Int
        switch value.kind {
        case .integer(let number):
            guard number >= 0, number <= 1 << 50 else {
                error(key, "\(number) bytes is out of range")
                return nil
            }
            bytes = Int(number)
        case .string(let text):
            switch SizeParser.parse(text) {
            case .failure(let failure):
                error(key, failure.description)
                return nil
            case .success(let parsed):
                bytes = parsed
            }
        default:
            return wrongType(key, value, expected: #"a size such as "10MB""#)
        }
        guard bytes >= minimumBytes else {
            error(key, "must be at least \(minimumBytes) bytes")
            return nil
        }
        return bytes
    }

    /// An array of strings; the elements come back with their values (for positions).
    func stringArray(_ key: String) -> [(text: String, value: TOMLValue)]? {
        guard let value = table[key] else { return nil }
        guard let elements = value.arrayValue else {
            return wrongType(key, value, expected: "an array of strings") { kind in
                guard case .string(let text) = kind else { return nil }
                return "expected an array of strings, e.g. [\"\(text)\"], found a single string"
            }
        }
        var result: [(String, TOMLValue)] = []
        var allStrings = true
        for element in elements {
            guard let text = element.stringValue else {
                error(key, "expected strings in the array, found \(Self.describe(element))", at: element.position)
                allStrings = false
                continue
            }
            result.append((text, element))
        }
        return allStrings ? result : nil
    }

    /// Warns about every key not in `known`, suggesting the nearest known key for likely typos.
    func warnAboutUnknownKeys(known: [String], notUsedHere: [String: String] = [:]) {
        for entry in table.entries where !known.contains(entry.key) {
            if let reason = notUsedHere[entry.key] {
                diagnostics.warning("\(label(entry.key)): \(reason) (ignored)", at: entry.keyPosition)
                continue
            }
            var message = "\(label(entry.key)): unknown key (ignored)"
            if let suggestion = Self.nearest(to: entry.key, in: known) { message += "; did you mean \"\(suggestion)\"?" }
            diagnostics.warning(message, at: entry.keyPosition)
        }
    }

    static func nearest(to key: String, in candidates: [String]) -> String? {
        let lowered = key.lowercased().replacingOccurrences(of: "-", with: "_")
        var best: (String, Int)?
        for candidate in candidates {
            let distance = lowered == candidate ? 0 : editDistance(Array(lowered), Array(candidate))
            // Short names are too alike to guess between: only case and -/_ differences count for them.
            let limit = min(2, candidate.count / 3)
            // Ties go to the alphabetically first name, so the message never depends on the candidates' order
            // (callers pass sets' contents; the fuzzer found a tie answered two ways).
            guard distance <= limit else { continue }
            if let (name, bestDistance) = best, distance > bestDistance || (distance == bestDistance && candidate >= name) {
                continue
            }
            best = (candidate, distance)
        }
        return best?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}
