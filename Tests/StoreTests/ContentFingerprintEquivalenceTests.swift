import Testing
import TestSupport
@testable import Store

/// The byte-level fingerprint must hash exactly what a walk over Unicode scalars hashes: fingerprints already in a
/// store would otherwise stop matching new copies of the same story.
@Suite struct ContentFingerprintEquivalenceTests {
    /// The scalar-by-scalar definition (the implementation before the UTF-8 fast path), kept as the reference.
    static func reference(title: String, text: String?) -> String? {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        var words = 0, inWord = false
        func add(_ byte: UInt8) {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9
            inWord = true
        }
        func endWord() {
            guard inWord else { return }
            a = (a ^ 0x20) &* 0x0000_0100_0000_01b3
            b = (b ^ 0x20) &* 0x0000_0100_0000_01b3
            words += 1
            inWord = false
        }
        for source in [title, text ?? ""] {
            for scalar in source.unicodeScalars {
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    for lower in scalar.properties.lowercaseMapping.utf8 { add(lower) }
                } else {
                    endWord()
                }
            }
            endWord()
        }
        guard words >= ContentFingerprint.minimumWords else { return nil }
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(a) + hex(b)
    }

    static let mixedTexts: [(String, String?)] = [
        ("Ministerin kündigt Änderungen an", "Die Straße bleibt gesperrt; laut Behörde (Stand: 12. März) sind 3½ Fahrspuren betroffen – ÉTÉ, İstanbul, ΣΊΣΥΦΟΣ."),
        ("東京で地震 マグニチュード6.1", "気象庁によると、午前3時ごろ震度５弱を観測しました。津波の心配はありません。 Tokyo quake, magnitude 6.1, no tsunami risk."),
        ("Пожар в Москве", "По данным МЧС, 120 человек эвакуированы; ﬁre (ligature ﬁ) and emoji 🔥🚒 and Arabic ١٢٣ digits ٤٥ and Devanagari १२३ words."),
        ("Plain ASCII title with enough words", "and plain ASCII text, numbers 2024-11-22, punctuation!? & <markup> spacing\tand\nnewlines here."),
        ("", "ǅemal Ⅻ ½ ⅓ ² ³ combining e\u{301} marks, zero\u{200B}width, nbsp\u{00A0}space, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 words to reach twelve"),
        ("Short", nil),
        ("Only a title but with a good many words in it to pass twelve easily", nil),
    ]

    @Test func byteLevelFingerprintEqualsScalarDefinitionOnMixedText() {
        for (title, text) in Self.mixedTexts {
            #expect(ContentFingerprint.compute(title: title, text: text) == Self.reference(title: title, text: text),
                    "title: \(title)")
        }
        // Every text crossed with every title, so words spanning the title/text boundary are covered too.
        for (title, _) in Self.mixedTexts {
            for (_, text) in Self.mixedTexts {
                #expect(ContentFingerprint.compute(title: title, text: text) == Self.reference(title: title, text: text))
            }
        }
        #expect(Self.mixedTexts.compactMap { ContentFingerprint.compute(title: $0.0, text: $0.1) }.count >= 4)
    }

    /// ASCII of every kind (all 128 byte values, runs of separators, texts of every length modulo the 8-byte
    /// groups of the word pass) hashes like the scalar definition.
    @Test func everyASCIIByteInEveryPositionHashesLikeTheScalarDefinition() {
        var random = SplitMix64(seed: 0x7EA5)
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        for length in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<length {
                // Mostly letters (words of a few bytes), else any ASCII byte: separators alone and in runs.
                let pick = random.next() % 10
                bytes.append(pick < 7 ? letters[Int(random.next() % UInt64(letters.count))] : UInt8(random.next() % 128))
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let title = length % 3 == 0 ? "" : "Title \(length) words"
            #expect(ContentFingerprint.compute(title: title, text: text) == Self.reference(title: title, text: text),
                    "length \(length)")
        }
        // Letters and single spaces only: the groups' fast path end to end, with every byte of the alphabet.
        let prose = (0..<300).map { index in String(decoding: letters.shuffled(using: &random).prefix(index % 9 + 1), as: UTF8.self) }
            .joined(separator: " ")
        #expect(ContentFingerprint.compute(title: "", text: prose) == Self.reference(title: "", text: prose))
        #expect(ContentFingerprint.compute(title: "", text: prose) != nil)
    }

    /// The word pass takes eight bytes at a time, then one: a dropped separator (two in a row, or one after a
    /// title or at a text's start), an upper-case letter, a digit or a multi-byte scalar at every offset of a
    /// group (and of two, for a wider pass) must hash like the scalar definition.
    @Test func everyOffsetOfTheWordGroupsHashesLikeTheScalarDefinition() {
        let run = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore"
        let pieces = [" ", "  ", ". ", ",", "-", "Q", "7", "\u{E9}", "\u{C9}t\u{E9}", "\u{6771}", " \u{1F525} ", "\n\t", "x"]
        for piece in pieces {
            for offset in 0..<48 {
                let split = run.utf8.index(run.utf8.startIndex, offsetBy: offset)
                let text = String(run[..<split]) + piece + String(run[split...])
                for title in ["", "Title", "Two words "] {
                    let fingerprint = ContentFingerprint.compute(title: title, text: text)
                    #expect(fingerprint != nil)
                    #expect(fingerprint == Self.reference(title: title, text: text), "piece \(piece.debugDescription) at \(offset)")
                }
            }
        }
    }

    /// Long texts are hashed in buffered pieces (words written out, then hashed): words, multi-byte scalars and
    /// title/text joins must come out the same wherever a piece ends.
    @Test func longMixedTextsHashLikeTheScalarDefinition() {
        var generator = SystemRandomNumberGenerator()
        let words = ["alpha", "Beta", "GAMMA", "1,024", "Straße", "İstanbul", "東京", "ﬁre", "१२३", "🔥", "e\u{301}", "x"]
        let gaps = [" ", "  ", ", ", "\n", "—", "", "’", "\t"]
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<Int.random(in: 0...1500, using: &generator) {
                text += words.randomElement(using: &generator)! + gaps.randomElement(using: &generator)!
            }
            let title = words.shuffled(using: &generator).prefix(3).joined(separator: " ")
            #expect(ContentFingerprint.compute(title: title, text: text) == Self.reference(title: title, text: text))
        }
    }

    /// One feed's items hashed together (two chains side by side) give each item's own fingerprint, whatever the
    /// lengths, short items and odd counts.
    @Test func batchedFingerprintsEqualOneByOne() {
        var generator = SystemRandomNumberGenerator()
        let words = ["alpha", "Beta", "1,024", "Straße", "İstanbul", "東京", "x", "word"]
        for _ in 0..<100 {
            let items: [(title: String, text: String?)] = (0..<Int.random(in: 0...7, using: &generator)).map { _ in
                let count = [0, 3, 11, 12, 40, 400].randomElement(using: &generator)!
                let text = (0..<count).map { _ in words.randomElement(using: &generator)! }.joined(separator: " ")
                return (title: words.randomElement(using: &generator)!, text: Bool.random(using: &generator) ? text : nil)
            }
            let batched = ContentFingerprint.compute(items)
            #expect(batched == items.map { ContentFingerprint.compute(title: $0.title, text: $0.text) })
            #expect(batched == items.map { Self.reference(title: $0.title, text: $0.text) })
        }
    }
}
