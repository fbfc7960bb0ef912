/// Open-addressing tables keyed by UInt64 values that are already well-mixed hashes (FNV unit keys, mixed
/// trigrams). Indexing by the key's own bits skips the SipHash pass `Set`/`Dictionary` spend on every look-up,
/// which dominated the per-article profile.
struct UInt64Map<Value> {
    /// Key and value side by side, so a probe touches one cache line.
    fileprivate struct Entry: TableSlot {
        var key: UInt64
        var value: Value?

        static var empty: Entry { Entry(key: 0, value: nil) }
    }

    private var table: SlotTable<Entry>
    var count: Int { table.count }

    init(minimumCapacity: Int = 16) { table = SlotTable(minimumCapacity: minimumCapacity) }

    subscript(key: UInt64) -> Value? {
        get { table.slot(for: key)?.value }
        set {
            guard let newValue else { if table.slot(for: key) != nil { remove(key) }; return }
            table.upsert(key, present: { $0.value = newValue }, absent: { Entry(key: key, value: newValue) })
        }
    }

    /// `self[key] = combine(self[key] ?? initial)` with one probe instead of two. Grows under the same condition
    /// as the setter, so the table's layout (and the order `pairs` lists) is the same either way.
    @inline(__always)
    mutating func update(_ key: UInt64, initial: Value, _ combine: (Value) -> Value) {
        table.upsert(key, present: { $0.value = combine($0.value!) }, absent: { Entry(key: key, value: combine(initial)) })
    }

    /// Adds `key` with `value` unless present; true when added.
    @inline(__always)
    mutating func insertIfAbsent(_ key: UInt64, _ value: Value) -> Bool {
        table.upsert(key, present: { _ in }, absent: { Entry(key: key, value: value) })
    }

    /// Removal by rebuilding (rare: only when trimming).
    private mutating func remove(_ key: UInt64) {
        if key == 0 { table.removeZero(); return }
        let pairs = self.pairs.filter { $0.key != key }
        self = UInt64Map(minimumCapacity: pairs.count)
        for p in pairs { self[p.key] = p.value }
    }

    var pairs: [(key: UInt64, value: Value)] {
        var out: [(key: UInt64, value: Value)] = []
        out.reserveCapacity(count)
        table.forEach { out.append(($0.key, $0.value!)) }
        return out
    }

    func forEach(_ body: (UInt64, Value) -> Void) { table.forEach { body($0.key, $0.value!) } }

    mutating func removeAll() { self = UInt64Map(minimumCapacity: 8) }
}

struct UInt64Set: Sendable {
    private var table: SlotTable<UInt64>
    var count: Int { table.count }

    init(minimumCapacity: Int = 16) { table = SlotTable(minimumCapacity: minimumCapacity) }

    init<S: Sequence>(_ elements: S) where S.Element == UInt64 {
        self.init(minimumCapacity: elements.underestimatedCount)
        for e in elements { insert(e) }
    }

    @inline(__always)
    func contains(_ key: UInt64) -> Bool { table.slot(for: key) != nil }

    @discardableResult
    mutating func insert(_ key: UInt64) -> Bool { table.upsert(key, present: { _ in }, absent: { key }) }

    /// A read-only view of the table for a hot loop: look-ups without the array's checks and reference counting.
    struct Keys {
        let keys: UnsafeBufferPointer<UInt64>
        let mask: Int
        let hasZero: Bool

        @inline(__always)
        func contains(_ key: UInt64) -> Bool {
            key == 0 ? hasZero : SlotTable<UInt64>.find(key, in: keys, mask: mask).found
        }
    }

    func withKeys<R>(_ body: (Keys) -> R) -> R {
        table.slots.withUnsafeBufferPointer { body(Keys(keys: $0, mask: table.mask, hasZero: table.zero != nil)) }
    }

    var elements: [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(count)
        table.forEach { out.append($0) }
        return out
    }

    mutating func removeAll(keepingCapacity: Bool = true) { table.clear() }
}

/// A slot of a `SlotTable`: its key, 0 while the slot is empty.
fileprivate protocol TableSlot {
    var key: UInt64 { get }
    static var empty: Self { get }
}

extension UInt64: TableSlot {
    fileprivate var key: UInt64 { self }
    fileprivate static var empty: UInt64 { 0 }
}

/// What `UInt64Map` and `UInt64Set` share: a power-of-two array of slots probed linearly from the key's mixed
/// high bits, grown to twice its size before one more key would fill half of it. Key 0 marks an empty slot, so
/// a zero key is kept beside the array (`zero`), listed first, and counted like the others.
fileprivate struct SlotTable<Slot: TableSlot> {
    private(set) var slots: [Slot]
    private(set) var zero: Slot?
    private(set) var count = 0
    private(set) var mask: Int

    init(minimumCapacity: Int) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        slots = [Slot](repeating: .empty, count: capacity)
        mask = capacity - 1
    }

    /// Where non-zero `key` is in `slots`, or the empty slot where it would go.
    @inline(__always)
    static func find<C: RandomAccessCollection>(_ key: UInt64, in slots: C, mask: Int) -> (index: Int, found: Bool)
    where C.Element == Slot, C.Index == Int {
        var i = Int(truncatingIfNeeded: ((key &* 0x9E37_79B9_7F4A_7C15) >> 32) & UInt64(mask))
        while true {
            let k = slots[i].key
            if k == key { return (i, true) }
            if k == 0 { return (i, false) }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    func slot(for key: UInt64) -> Slot? {
        if key == 0 { return zero }
        let (i, found) = Self.find(key, in: slots, mask: mask)
        return found ? slots[i] : nil
    }

    /// Changes `key`'s slot through `present`, or when there is none adds the slot `absent` makes (growing first
    /// when the array needs it); true when it added one.
    @inline(__always)
    @discardableResult
    mutating func upsert(_ key: UInt64, present: (inout Slot) -> Void, absent: () -> Slot) -> Bool {
        if key == 0 {
            if zero != nil { present(&zero!); return false }
            zero = absent()
            count += 1
            return true
        }
        if (count + 1) * 2 > slots.count { grow() }
        let (i, found) = Self.find(key, in: slots, mask: mask)
        if found { present(&slots[i]); return false }
        slots[i] = absent()
        count += 1
        return true
    }

    mutating func removeZero() {
        guard zero != nil else { return }
        zero = nil
        count -= 1
    }

    /// Empties the table, keeping its size.
    mutating func clear() {
        for i in 0..<slots.count { slots[i] = .empty }
        zero = nil
        count = 0
    }

    /// The zero key's slot first, then the array's in order.
    func forEach(_ body: (Slot) -> Void) {
        if let zero { body(zero) }
        for slot in slots where slot.key != 0 { body(slot) }
    }

    /// Re-places every key in the array's order, as inserting them one by one would.
    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: .empty, count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.key != 0 { slots[Self.find(slot.key, in: slots, mask: mask).index] = slot }
    }
}

extension SlotTable: Sendable where Slot: Sendable {}
extension UInt64Map: Sendable where Value: Sendable {}
extension UInt64Map.Entry: Sendable where Value: Sendable {}
