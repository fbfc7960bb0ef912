/// A parsed TOML value with the position of its first character in the source.
public struct TOMLValue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        // Indirect: a date-time is 81 bytes inline and rare; every other value would pay for its size.
        indirect case dateTime(TOMLDateTime)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public let kind: Kind
    public let position: SourcePosition
    /// For strings only: where each scalar of the decoded text was written. Lets a caller that finds a
    /// problem at some offset inside a string (a topic query) point at the file position, across escapes and
    /// the line breaks of multi-line strings.
    public let sourceMap: TOMLStringSourceMap?

    public init(_ kind: Kind, at position: SourcePosition, sourceMap: TOMLStringSourceMap? = nil) {
        self.kind = kind
        self.position = position
        self.sourceMap = sourceMap
    }

    /// For strings: the source position of every scalar of the decoded text, in order (empty otherwise).
    public var scalarPositions: [SourcePosition] { sourceMap?.allPositions ?? [] }

    /// The TOML name of this value's type, for error messages.
    public var typeName: String {
        switch kind {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .dateTime(let value): value.kindName
        case .array: "array"
        case .table: "table"
        }
    }

    public var stringValue: String? { if case .string(let value) = kind { value } else { nil } }
    public var integerValue: Int64? { if case .integer(let value) = kind { value } else { nil } }
    public var floatValue: Double? { if case .float(let value) = kind { value } else { nil } }
    public var booleanValue: Bool? { if case .boolean(let value) = kind { value } else { nil } }
    public var arrayValue: [TOMLValue]? { if case .array(let value) = kind { value } else { nil } }
    public var tableValue: TOMLTable? { if case .table(let value) = kind { value } else { nil } }
    public var dateTimeValue: TOMLDateTime? { if case .dateTime(let value) = kind { value } else { nil } }
}

/// A TOML table: its keys in document order, each with the position where the key was written.
public struct TOMLTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let key: String
        public let keyPosition: SourcePosition
        public let value: TOMLValue
    }

    public let entries: [Entry]
    /// Where the table was opened: its `[header]` / `[[header]]`, its first dotted key, or its `{`.
    public let position: SourcePosition

    public init(entries: [Entry], position: SourcePosition) {
        self.entries = entries
        self.position = position
    }

    public var keys: [String] { entries.map(\.key) }

    public func entry(_ key: String) -> Entry? { entries.first { $0.key == key } }

    public subscript(key: String) -> TOMLValue? { entry(key)?.value }
}

/// A TOML date, time or date-time. Which parts are present says which of the four TOML kinds it is.
public struct TOMLDateTime: Sendable, Hashable, CustomStringConvertible {
    public struct Date: Sendable, Hashable { public let year: Int, month: Int, day: Int }
    public struct Time: Sendable, Hashable { public let hour: Int, minute: Int, second: Int, nanosecond: Int }

    public let date: Date?
    public let time: Time?
    /// Minutes east of UTC; nil for local date-times, dates and times.
    public let offsetMinutes: Int?

    public init(date: Date?, time: Time?, offsetMinutes: Int?) {
        self.date = date
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    public var kindName: String {
        switch (date != nil, time != nil, offsetMinutes != nil) {
        case (true, true, true): "offset date-time"
        case (true, true, false): "local date-time"
        case (true, false, _): "local date"
        default: "local time"
        }
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = ""
        if let date { text += "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))" }
        if let time {
            if date != nil { text += "T" }
            text += "\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))"
            if time.nanosecond > 0 {
                var fraction = pad(time.nanosecond, 9)
                while fraction.hasSuffix("0") { fraction.removeLast() }
                text += "." + fraction
            }
        }
        if let offsetMinutes {
            if offsetMinutes == 0 {
                text += "Z"
            } else {
                let sign = offsetMinutes < 0 ? "-" : "+"
                let magnitude = abs(offsetMinutes)
                text += "\(sign)\(pad(magnitude / 60, 2)):\(pad(magnitude % 60, 2))"
            }
        }
        return text
    }
}
