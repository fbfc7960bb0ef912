import Testing
@testable import Store

/// The dedup key map keeps item ids in 32 bits; ids beyond that must still come back exactly.
@Suite struct KeyToItemIDTests {
    @Test func idsOfEverySizeRoundTripAndCanBeRemoved() {
        var table = KeyToItemID()
        let ids: [Int64] = [0, 1, 4_294_967_295, 4_294_967_296, Int64.max, -1]
        for (offset, id) in ids.enumerated() { table[Int64(offset) * 7919 - 3] = id }
        for (offset, id) in ids.enumerated() { #expect(table[Int64(offset) * 7919 - 3] == id) }
        #expect(table.count == ids.count)
        #expect(table[123_456] == nil)

        // A key moving between the compact and the wide table keeps only its latest id.
        table[42] = 5_000_000_000
        table[42] = 7
        #expect(table[42] == 7)
        table[42] = 6_000_000_000
        #expect(table[42] == 6_000_000_000)
        #expect(table.count == ids.count + 1)

        for (offset, _) in ids.enumerated() { table[Int64(offset) * 7919 - 3] = nil }
        table[42] = nil
        #expect(table.count == 0)
        #expect(table[42] == nil)
    }

    @Test func footprintCountsTwelveBytesASlotAtMostFourFifthsFull() {
        var table = KeyToItemID()
        table.reserveCapacity(1_000)
        let reserved = table.bytes
        for key in 0..<1_000 { table[Int64(key) &* 0x1E37_79B9_7F4A_7C15] = Int64(key + 1) }
        // 1,000 keys at most 4/5 full: 2,048 slots of 12 bytes, and loading what was reserved never grows it.
        #expect(reserved == 2_048 * 12)
        #expect(table.bytes == reserved)
        // 1,638 keys still fit in 2,048 slots at 4/5; the 1,639th doubles them.
        for key in 1_000..<1_638 { table[Int64(key) &* 0x1E37_79B9_7F4A_7C15] = Int64(key + 1) }
        #expect(table.bytes == 2_048 * 12)
        table[-99] = 1_639
        #expect(table.bytes == 4_096 * 12)
    }

    /// The map against Swift's Dictionary under random inserts, overwrites, removals (rolled-back claims),
    /// growth and clearing, with keys that collide in their home slots.
    @Test func behavesLikeADictionary() {
        var generator = SystemRandomNumberGenerator()
        var table = KeyToItemID()
        var model: [Int64: Int64] = [:]
        for round in 0..<40_000 {
            // Keys from a small range collide often; some are the multiples the Fibonacci hash sends home together.
            let key: Int64 = round % 3 == 0 ? Int64.random(in: -500...500, using: &generator)
                : Int64.random(in: 0..<64, using: &generator) << 58
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<6:
                let id = Int64.random(in: 1...5_000_000, using: &generator)
                table[key] = id
                model[key] = id
            case 6..<9:
                table[key] = nil
                model[key] = nil
            default:
                if round % 1_000 == 0 { table.removeAll(); model.removeAll() }
            }
            #expect(table[key] == model[key])
            if round % 997 == 0 {
                #expect(table.count == model.count)
                for (known, id) in model { #expect(table[known] == id) }
            }
        }
        #expect(table.count == model.count)
        for (known, id) in model { #expect(table[known] == id) }
    }
}
