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

    @Test func footprintCountsTwelveBytesABucket() {
        var table = KeyToItemID()
        table.reserveCapacity(1_000)
        for key in 0..<1_000 { table[Int64(key) &* 0x1E37_79B9_7F4A_7C15] = Int64(key) }
        // 1,000 keys at most 3/4 full: 2,048 buckets of 12 bytes plus one bit each.
        #expect(table.bytes == 2_048 * 12 + 2_048 / 8)
    }
}
