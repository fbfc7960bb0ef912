/// FNV-1a, 64 bit: stable across processes and machines (unlike `Hasher`), so unit keys and event ids
/// persisted by one daemon mean the same thing to another.
enum StableHash {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    static func hash<S: Sequence>(_ bytes: S, seed: UInt64 = offset) -> UInt64 where S.Element == UInt8 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* prime }
        return h
    }

    static func hash(_ string: String, seed: UInt64 = offset) -> UInt64 { hash(string.utf8, seed: seed) }

    static func hex(_ value: UInt64, digits: Int = 16) -> String {
        let s = String(value, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - s.count)) + s
        return String(padded.prefix(digits))
    }
}
