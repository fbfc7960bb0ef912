/// FNV-1a, 64 bit: stable across processes and machines (unlike `Hasher`), so keys persisted by one daemon (fact
/// unit keys, event ids, dedup keys, synthesised entry ids) mean the same thing to another. The one copy: every
/// target that stores or compares such keys hashes through here, so the values can never drift apart.
/// `@inlinable`: the hot loops (tokenising, fingerprints) call it across module boundaries.
public enum StableHash {
    // Computed and inlinable rather than stored: a stored `let` read from another module is a call per read,
    // these fold to constants in the callers' hash loops.
    @inlinable public static var offset: UInt64 { 0xcbf2_9ce4_8422_2325 }
    @inlinable public static var prime: UInt64 { 0x0000_0100_0000_01b3 }

    /// One FNV-1a step: for callers that fold bytes in as they produce them (lower-casing, skipping).
    @inlinable @inline(__always)
    public static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* prime }

    @inlinable @inline(__always)
    public static func hash<S: Sequence>(_ bytes: S, seed: UInt64 = offset) -> UInt64 where S.Element == UInt8 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* prime }
        return h
    }

    @inlinable
    public static func hash(_ string: String, seed: UInt64 = offset) -> UInt64 { hash(string.utf8, seed: seed) }

    /// The first `digits` of the value's 16 lower-case hex digits (zero-padded).
    public static func hex(_ value: UInt64, digits: Int = 16) -> String {
        let s = String(value, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - s.count)) + s
        return String(padded.prefix(digits))
    }
}
