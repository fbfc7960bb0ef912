import Support

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

extension FactUnitKind {
    var tag: String {
        switch self {
        case .word: return "word"
        case .numberWord, .number: return "number"
        case .date: return "date"
        case .month: return "month"
        case .name: return "name"
        case .code: return "code"
        case .weekday: return "weekday"
        }
    }

    /// FNV state after "tag:", so a unit's key is the stable hash of "tag:value" without building that string.
    /// Number words and digits share one key space so "three" equals "3".
    var seed: UInt64 {
        switch self {
        case .word: return FactUnit.seeds[0]
        case .numberWord, .number: return FactUnit.seeds[1]
        case .date: return FactUnit.seeds[2]
        case .month: return FactUnit.seeds[3]
        case .name: return FactUnit.seeds[4]
        case .code: return FactUnit.seeds[5]
        case .weekday: return FactUnit.seeds[6]
        }
    }
}

/// A fact unit is just its stable key and kind: plain data, so copying units around costs no reference
/// counting. Readable labels are kept aside only when someone asks for explanations.
public struct FactUnit: Sendable, Hashable {
    public let key: UInt64
    public let kind: FactUnitKind

    static let seeds: [UInt64] = ["word", "number", "date", "month", "name", "code", "weekday"].map { StableHash.hash($0 + ":") }

    init(kind: FactUnitKind, value: String) {
        self.key = StableHash.hash(value.utf8, seed: kind.seed)
        self.kind = kind
    }

    init(key: UInt64, kind: FactUnitKind) {
        self.key = key
        self.kind = kind
    }

    static func label(kind: FactUnitKind, value: String) -> String { kind.tag + ":" + value }

    public static func == (a: FactUnit, b: FactUnit) -> Bool { a.key == b.key }
    public func hash(into h: inout Hasher) { h.combine(key) }
}

/// A unit with its readable form ("name:hegseth"), for tests and `--explain`.
public struct LabeledFactUnit: Sendable, Hashable {
    public let key: UInt64
    public let kind: FactUnitKind
    public let label: String
}

/// What the extractor needs to know about one lower-cased word, looked up once per engine rather than once
/// per occurrence (stemming, hashing and the closed-class lists cost more than a dictionary hit).
struct WordInfo {
    var isStopword = false
    var isTitleWord = false
    var isDemonym = false
    /// The unit a month, weekday or number word stands for; months count only when capitalised.
    var special: FactUnit?
    var specialIsMonth = false
    var word: FactUnit
    var name: FactUnit
    static let slipSeed = StableHash.hash("slip:")

    /// For a word of five letters or more: the word itself and every form of it with one letter left out, under
    /// their own seed, so two words one deletion, insertion or substitution apart share at least one key (see
    /// `Aliases`).
    static func forEachSlipKey(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UInt64) -> Void) {
        guard bytes.count >= 5 else { return }
        for b in bytes where b >= 0x80 { return }
        body(StableHash.hash(bytes, seed: slipSeed))
        for k in bytes.indices where k == 0 || bytes[k] != bytes[k - 1] {
            var h = slipSeed
            for j in bytes.indices where j != k { h = (h ^ UInt64(bytes[j])) &* StableHash.prime }
            body(h)
        }
    }
}

/// Memoised word facts, bounded: cleared when it outgrows `capacity`.
struct UnitCache {
    /// Word facts stored in the table itself: one memory access per look-up.
    private var infos = UInt64Map<WordInfo>(minimumCapacity: 4096)
    var capacity = 50_000
    /// Readable labels by key, recorded only when set (explanations, tests).
    var labels: [UInt64: String]?
    /// The fact extractor's working buffers, kept between articles (`FactExtractor.analyze`).
    var scratch = ExtractionScratch()

    mutating func make(_ kind: FactUnitKind, _ value: String) -> FactUnit {
        let unit = FactUnit(kind: kind, value: value)
        if labels != nil { labels![unit.key] = FactUnit.label(kind: kind, value: value) }
        return unit
    }

    /// A unit whose value is UTF-8 in a token buffer: hashed from the bytes, a String only for labels.
    mutating func make(_ kind: FactUnitKind, _ value: UnsafeBufferPointer<UInt8>) -> FactUnit {
        let unit = FactUnit(key: StableHash.hash(value, seed: kind.seed), kind: kind)
        if labels != nil { labels![unit.key] = FactUnit.label(kind: kind, value: String(decoding: value, as: UTF8.self)) }
        return unit
    }

    /// `hash` is the stable hash of `lowered` (computed while scanning, so look-ups skip String hashing); the
    /// String is built only for a word not seen yet.
    @inline(__always)
    mutating func info(_ lowered: UnsafeBufferPointer<UInt8>, hash: UInt64) -> WordInfo {
        if let known = infos[hash] { return known }
        return info(String(decoding: lowered, as: UTF8.self), hash: hash)
    }

    mutating func info(_ lowered: String, hash: UInt64) -> WordInfo {
        if let known = infos[hash] { return known }
        var info = WordInfo(word: make(.word, WordForms.key(lowered)), name: make(.name, lowered))
        info.isStopword = Lexicon.stopwords.contains(lowered)
        info.isTitleWord = Lexicon.titleWords.contains(lowered)
        info.isDemonym = FactExtractor.isDemonym(lowered)
        if let m = Lexicon.months[lowered] {
            info.special = make(.month, m)
            info.specialIsMonth = true
        } else if let v = Lexicon.numberWords[lowered] {
            info.special = make(.numberWord, v)
        } else if Lexicon.weekdays.contains(lowered) {
            info.special = make(.weekday, String(lowered.prefix(3)))
        }
        if infos.count >= capacity {
            infos.removeAll()
            labels?.removeAll()
        }
        infos[hash] = info
        return info
    }
}
