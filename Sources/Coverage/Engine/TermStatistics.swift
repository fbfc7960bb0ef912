import Foundation

/// Document frequencies learnt online from every article seen (on topic or not), for IDF weights.
/// Bounded: when the table outgrows `capacity`, all counts halve and terms that reach zero are dropped, so
/// memory stays flat on an endless stream and old vocabulary fades.
public struct TermStatistics: Sendable, Codable {
    public private(set) var documents: Double = 0
    private var frequencies: [UInt64: UInt32] = [:]
    public var capacity: Int = 400_000
    public var priorDocuments: Double = 50

    public init() {}

    public var termCount: Int { frequencies.count }

    mutating func add(document keys: Set<UInt64>) {
        documents += 1
        for k in keys { frequencies[k, default: 0] &+= 1 }
        if frequencies.count > capacity { halve() }
    }

    private mutating func halve() {
        documents = (documents / 2).rounded(.up)
        var kept: [UInt64: UInt32] = [:]
        kept.reserveCapacity(frequencies.count / 2)
        for (k, v) in frequencies where v / 2 > 0 { kept[k] = v / 2 }
        frequencies = kept
    }

    @inline(__always)
    func idf(_ key: UInt64) -> Float {
        let df = Double(frequencies[key] ?? 0)
        // The prior of `priorDocuments` unseen documents keeps early-stream weights sane: with three articles
        // seen, a name in all three is still far more telling than a word in none.
        return Float(max(0.1, log((documents + priorDocuments) / (df + 1))))
    }
}
