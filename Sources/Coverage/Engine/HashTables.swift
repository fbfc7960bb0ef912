/// Open-addressing tables keyed by UInt64 values that are already well-mixed hashes (FNV unit keys, mixed
/// trigrams). Indexing by the key's own bits skips the SipHash pass `Set`/`Dictionary` spend on every look-up,
/// which dominated the per-article profile.
struct UInt64Map<Value> {
    /// Key and value side by side, so a probe touches one cache line.
    fileprivate struct Entry {
        var key: UInt64
        var value: Value?
    }

    private var entries: [Entry]
    private var zeroValue: Value?
    private(set) var count = 0
    private var mask: Int

    init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        entries = [Entry](repeating: Entry(key: 0, value: nil), count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: ((key &* 0x9E37_79B9_7F4A_7C15) >> 32) & UInt64(mask)) }

    subscript(key: UInt64) -> Value? {
        get {
            if key == 0 { return zeroValue }
            var i = slot(key)
            while true {
                let k = entries[i].key
                if k == key { return entries[i].value }
                if k == 0 { return nil }
                i = (i + 1) & mask
            }
        }
        set {
            guard let newValue else { if key != 0 || zeroValue != nil { remove(key) }; return }
            if key == 0 {
                if zeroValue == nil { count += 1 }
                zeroValue = newValue
                return
            }
            if (count + 1) * 2 > entries.count { grow() }
            var i = slot(key)
            while true {
                let k = entries[i].key
                if k == key { entries[i].value = newValue; return }
                if k == 0 {
                    entries[i] = Entry(key: key, value: newValue)
                    count += 1
                    return
                }
                i = (i + 1) & mask
            }
        }
    }

    /// `self[key] = combine(self[key] ?? initial)` with one probe instead of two. Grows under the same condition
    /// as the setter, so the table's layout (and the order `pairs` lists) is the same either way.
    @inline(__always)
    mutating func update(_ key: UInt64, initial: Value, _ combine: (Value) -> Value) {
        if key == 0 {
            if zeroValue == nil { count += 1 }
            zeroValue = combine(zeroValue ?? initial)
            return
        }
        if (count + 1) * 2 > entries.count { grow() }
        var i = slot(key)
        while true {
            let k = entries[i].key
            if k == key {
                entries[i].value = combine(entries[i].value!)
                return
            }
            if k == 0 {
                entries[i] = Entry(key: key, value: combine(initial))
                count += 1
                return
            }
            i = (i + 1) & mask
        }
    }

    /// Adds `key` with `value` unless present; true when added.
    @inline(__always)
    mutating func insertIfAbsent(_ key: UInt64, _ value: Value) -> Bool {
        if key == 0 {
            if zeroValue != nil { return false }
            zeroValue = value
            count += 1
            return true
        }
        if (count + 1) * 2 > entries.count { grow() }
        var i = slot(key)
        while true {
            let k = entries[i].key
            if k == key { return false }
            if k == 0 {
                entries[i] = Entry(key: key, value: value)
                count += 1
                return true
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = entries
        entries = [Entry](repeating: Entry(key: 0, value: nil), count: old.count * 2)
        mask = entries.count - 1
        count = zeroValue == nil ? 0 : 1
        for e in old where e.key != 0 { self[e.key] = e.value }
    }

    /// Removal by rebuilding (rare: only when trimming).
    private mutating func remove(_ key: UInt64) {
        if key == 0 { zeroValue = nil; count -= 1; return }
        guard self[key] != nil else { return }
        let pairs = self.pairs.filter { $0.key != key }
        self = UInt64Map(minimumCapacity: pairs.count)
        for p in pairs { self[p.key] = p.value }
    }

    var pairs: [(key: UInt64, value: Value)] {
        var out: [(key: UInt64, value: Value)] = []
        out.reserveCapacity(count)
        if let z = zeroValue { out.append((0, z)) }
        for e in entries where e.key != 0 { out.append((e.key, e.value!)) }
        return out
    }

    func forEach(_ body: (UInt64, Value) -> Void) {
        if let z = zeroValue { body(0, z) }
        for e in entries where e.key != 0 { body(e.key, e.value!) }
    }

    mutating func removeAll() { self = UInt64Map(minimumCapacity: 8) }
}

struct UInt64Set: Sendable {
    private var keys: [UInt64]
    private var hasZero = false
    private(set) var count = 0
    private var mask: Int

    init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    init<S: Sequence>(_ elements: S) where S.Element == UInt64 {
        self.init(minimumCapacity: elements.underestimatedCount)
        for e in elements { insert(e) }
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: ((key &* 0x9E37_79B9_7F4A_7C15) >> 32) & UInt64(mask)) }

    @inline(__always)
    func contains(_ key: UInt64) -> Bool {
        if key == 0 { return hasZero }
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return true }
            if k == 0 { return false }
            i = (i + 1) & mask
        }
    }

    @discardableResult
    mutating func insert(_ key: UInt64) -> Bool {
        if key == 0 {
            if hasZero { return false }
            hasZero = true
            count += 1
            return true
        }
        if (count + 1) * 2 > keys.count { grow() }
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return false }
            if k == 0 {
                keys[i] = key
                count += 1
                return true
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = keys
        keys = [UInt64](repeating: 0, count: old.count * 2)
        mask = keys.count - 1
        count = hasZero ? 1 : 0
        for k in old where k != 0 { insert(k) }
    }

    /// A read-only view of the table for a hot loop: look-ups without the array's checks and reference counting.
    struct Keys {
        let keys: UnsafeBufferPointer<UInt64>
        let mask: Int
        let hasZero: Bool

        @inline(__always)
        func contains(_ key: UInt64) -> Bool {
            if key == 0 { return hasZero }
            var i = Int(truncatingIfNeeded: ((key &* 0x9E37_79B9_7F4A_7C15) >> 32) & UInt64(mask))
            while true {
                let k = keys[i]
                if k == key { return true }
                if k == 0 { return false }
                i = (i + 1) & mask
            }
        }
    }

    func withKeys<R>(_ body: (Keys) -> R) -> R {
        keys.withUnsafeBufferPointer { body(Keys(keys: $0, mask: mask, hasZero: hasZero)) }
    }

    var elements: [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(count)
        if hasZero { out.append(0) }
        for k in keys where k != 0 { out.append(k) }
        return out
    }

    mutating func removeAll(keepingCapacity: Bool = true) {
        for i in 0..<keys.count { keys[i] = 0 }
        hasZero = false
        count = 0
    }
}

extension UInt64Map: Sendable where Value: Sendable {}
extension UInt64Map.Entry: Sendable where Value: Sendable {}
