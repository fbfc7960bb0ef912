@testable import Config

/// A compact, typed rendering of parsed TOML for comparing whole documents in tests:
/// strings quoted, integers bare, floats with a trailing "f", tables as {k: v}, arrays as [a, b].
func render(_ value: TOMLValue) -> String {
    switch value.kind {
    case .string(let text): return "\"\(text)\""
    case .integer(let number): return "\(number)"
    case .float(let number): return number.isNaN ? "nanf" : "\(number)f"
    case .boolean(let flag): return "\(flag)"
    case .dateTime(let date): return "<\(date.kindName) \(date)>"
    case .array(let elements): return "[" + elements.map(render).joined(separator: ", ") + "]"
    case .table(let table): return render(table)
    }
}

func render(_ table: TOMLTable) -> String {
    "{" + table.entries.map { "\($0.key): \(render($0.value))" }.joined(separator: ", ") + "}"
}

/// Parses and renders, or returns the syntax error as "line:column: message".
func parseRendered(_ text: String) -> String {
    do {
        return render(try TOML.parse(text))
    } catch {
        return "error \(error)"
    }
}
