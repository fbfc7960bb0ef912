import Feeds
import Support

/// A JSON value that keeps object keys in the order they were written, so alert lines read like the contract's
/// example (`id`, `created`, `topic`, …) rather than in hash or alphabetical order.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// Already-serialized JSON (an alert payload read back from the store), written through verbatim.
    case raw(String)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.raw(a), .raw(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public static func optional(_ string: String?) -> JSONValue { string.map(JSONValue.string) ?? .null }
    public static func optional(_ int: Int?) -> JSONValue { int.map(JSONValue.int) ?? .null }

    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var stringValue: String? { if case let .string(value) = self { return value }; return nil }
    public var intValue: Int? { if case let .int(value) = self { return value }; return nil }
    public var arrayValue: [JSONValue]? { if case let .array(value) = self { return value }; return nil }

    /// Compact JSON on one line (RFC 8259): no escaped slashes, non-ASCII left as UTF-8, control characters escaped.
    public func serialized() -> String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case let .bool(value): output += value ? "true" : "false"
        case let .int(value): output += String(value)
        case let .double(value):
            output += value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)) : "null"
        case let .string(value): JSONString.append(value, to: &output)
        case let .raw(json): output += json
        case let .array(values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case let .object(members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                JSONString.append(member.0, to: &output)
                output += ":"
                member.1.write(to: &output)
            }
            output += "}"
        }
    }
}
