/// The atoms a sentence states, as the fact index stores them.
public enum FactUnitKind: UInt8, Sendable, Codable {
    case word = 1        // a content word, under its spelling-and-inflection key
    case numberWord = 2  // "three", "twice": shares the key of the digits
    case number = 3      // digits: 6.9, 18000, 2026
    case date = 4        // month and day: "July 1", "1 July"
    case month = 5       // a month alone: "since December"
    case name = 6        // a capitalised name token or acronym: Hegseth, Jodhpur, GE
    case code = 7        // letters and digits mixed: H20, MI308, AH-64E's 64E
    case weekday = 8     // "on Friday": a new day in a story is a new development

    /// A new unit of a strong kind is a new fact on its own; new ordinary words count only in numbers.
    var isStrong: Bool {
        switch self {
        case .number, .date, .month, .name, .code, .weekday: return true
        case .word, .numberWord: return false
        }
    }

    /// How much a shared unit says about two articles reporting the same event.
    var clusterWeight: Float {
        switch self {
        case .name, .code: return 2.2
        case .number, .date: return 1.6
        case .month: return 0.8
        case .word: return 1.0
        case .numberWord: return 0.5
        case .weekday: return 0.3
        }
    }
}

public struct FactUnit: Sendable, Hashable {
    public let key: UInt64
    public let kind: FactUnitKind
    /// Readable form, for explanations and tests ("name:hegseth").
    public let label: String

    init(kind: FactUnitKind, value: String) {
        let tag: String
        switch kind {
        case .word: tag = "word"
        case .numberWord, .number: tag = "number"
        case .date: tag = "date"
        case .month: tag = "month"
        case .name: tag = "name"
        case .code: tag = "code"
        case .weekday: tag = "weekday"
        }
        // Number words and digits share one key space so "three" equals "3".
        let space = (kind == .numberWord) ? "number" : tag
        self.key = StableHash.hash(space + ":" + value)
        self.kind = kind
        self.label = tag + ":" + value
    }

    public static func == (a: FactUnit, b: FactUnit) -> Bool { a.key == b.key }
    public func hash(into h: inout Hasher) { h.combine(key) }
}
