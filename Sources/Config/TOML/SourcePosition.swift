/// A place in a source file: 1-based line and column. Columns count Unicode scalars (for ASCII text, characters),
/// which is what editors show for the files tidings reads.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A TOML document that is not valid TOML 1.0. Parsing stops at the first one: what follows a syntax error
/// cannot be read reliably.
public struct TOMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let position: SourcePosition
    public let message: String

    public init(_ message: String, at position: SourcePosition) {
        self.message = message
        self.position = position
    }

    public var description: String { "\(position): \(message)" }
}
