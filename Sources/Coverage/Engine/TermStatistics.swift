import Foundation

/// Document frequencies learnt online from every on-topic article, for IDF weights.
/// Bounded: when the table outgrows `capacity`, all counts halve and terms that reach zero are dropped, so
/// memory stays flat on an endless stream and old vocabulary fades.
public struct TermStatistics: Sendable, Codable {
    public private(set) var documents: Double = 0
    private var frequencies = UInt64Map<UInt32>(minimumCapacity: 4096)
    public var capacity: Int = 200_000
    public var priorDocuments: Double = 50

    /// Counts every `add` (not persisted): a caller compares it before and after judging to write the statistics
    /// only when they changed.
    public private(set) var revision: UInt64 = 0

    public init() {}

    public var termCount: Int { frequencies.count }

    /// Counts a document's distinct terms and returns their new document frequencies, in order (nil when the
    /// table was just halved, so they are stale). The caller reads weights from these instead of probing the
    /// table again: it grows to hundreds of thousands of terms, and each probe is a likely cache miss.
    @discardableResult
    mutating func add(document keys: [UInt64]) -> [UInt32]? {
        documents += 1
        revision &+= 1
        var counts: [UInt32] = []
        counts.reserveCapacity(keys.count)
        for k in keys {
            var count: UInt32 = 0
            frequencies.update(k, initial: 0) { count = $0 &+ 1; return count }
            counts.append(count)
        }
        if frequencies.count > capacity {
            halve()
            return nil
        }
        return counts
    }

    private mutating func halve() {
        documents = (documents / 2).rounded(.up)
        var kept = UInt64Map<UInt32>(minimumCapacity: frequencies.count / 2)
        frequencies.forEach { k, v in if v / 2 > 0 { kept[k] = v / 2 } }
        frequencies = kept
    }

    private enum CodingKeys: String, CodingKey { case documents, capacity, priorDocuments, keys, counts }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        documents = try c.decode(Double.self, forKey: .documents)
        capacity = try c.decode(Int.self, forKey: .capacity)
        priorDocuments = try c.decode(Double.self, forKey: .priorDocuments)
        let keys = try c.decode([UInt64].self, forKey: .keys)
        let counts = try c.decode([UInt32].self, forKey: .counts)
        frequencies = UInt64Map(minimumCapacity: keys.count)
        for (k, v) in zip(keys, counts) { frequencies[k] = v }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(documents, forKey: .documents)
        try c.encode(capacity, forKey: .capacity)
        try c.encode(priorDocuments, forKey: .priorDocuments)
        let pairs = frequencies.pairs.sorted { $0.key < $1.key }
        try c.encode(pairs.map(\.key), forKey: .keys)
        try c.encode(pairs.map(\.value), forKey: .counts)
    }

    // MARK: Compact form, for the store

    private static let magic: UInt32 = 0x5453_0001  // "TS", format 1

    /// The document count and every (term key, document frequency) pair, little-endian: 16 bytes of header and
    /// 12 bytes per term, so the bounded table (`capacity` terms) stays under 2.4 MB. `capacity` and
    /// `priorDocuments` are configuration, not state, and are left out.
    public func encoded() -> Data {
        var data = Data(count: 16 + 12 * frequencies.count)
        data.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: Self.magic.littleEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: UInt32(frequencies.count).littleEndian, toByteOffset: 4, as: UInt32.self)
            raw.storeBytes(of: documents.bitPattern.littleEndian, toByteOffset: 8, as: UInt64.self)
            var offset = 16
            frequencies.forEach { key, count in
                raw.storeBytes(of: key.littleEndian, toByteOffset: offset, as: UInt64.self)
                raw.storeBytes(of: count.littleEndian, toByteOffset: offset + 8, as: UInt32.self)
                offset += 12
            }
        }
        return data
    }

    /// Restores `encoded()`; nil when the bytes are not that form (another format, truncated), so the caller
    /// can start from the prior instead of failing.
    public init?(encoded data: Data) {
        guard data.count >= 16 else { return nil }
        let parsed: (Double, UInt64Map<UInt32>)? = data.withUnsafeBytes { raw in
            guard UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)) == Self.magic else { return nil }
            let count = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
            guard raw.count == 16 + 12 * count else { return nil }
            let documents = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            guard documents.isFinite, documents >= 0 else { return nil }
            var map = UInt64Map<UInt32>(minimumCapacity: max(4096, count))
            var offset = 16
            for _ in 0..<count {
                let key = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                map[key] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self))
                offset += 12
            }
            return (documents, map)
        }
        guard let (documents, map) = parsed else { return nil }
        self.documents = documents
        self.frequencies = map
    }

    @inline(__always)
    func idf(_ key: UInt64) -> Float { idf(frequency: frequencies[key] ?? 0) }

    @inline(__always)
    func idf(frequency: UInt32) -> Float {
        let df = Double(frequency)
        // The prior of `priorDocuments` unseen documents keeps early-stream weights sane: with three articles
        // seen, a name in all three is still far more telling than a word in none.
        return Float(max(0.1, log((documents + priorDocuments) / (df + 1))))
    }
}
