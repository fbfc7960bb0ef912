import Store
import Testing

@Suite("Canonical URLs and content fingerprints")
struct CanonicalURLTests {
    @Test(arguments: [
        ("https://example.org/a?utm_source=rss&utm_medium=feed", "https://example.org/a"),
        ("HTTP://Example.ORG:80/a?b=2&a=1#frag", "https://example.org/a?a=1&b=2"),
        ("https://example.org/a?id=7&fbclid=abc&gclid=x&mc_cid=1&ref_src=twsrc", "https://example.org/a?id=7"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/a%20b?q=%C3%A9", "https://example.org/a%20b?q=%C3%A9"),
        ("https://example.org/path?UTM_Campaign=x&page=2", "https://example.org/path?page=2"),
    ])
    func canonicalForm(_ input: String, _ expected: String) {
        #expect(CanonicalURL.canonicalize(input) == expected)
    }

    @Test func nonWebLinksHaveNoCanonicalForm() {
        #expect(CanonicalURL.canonicalize("") == nil)
        #expect(CanonicalURL.canonicalize("/relative/path") == nil)
        #expect(CanonicalURL.canonicalize("mailto:a@example.org") == nil)
        #expect(CanonicalURL.canonicalize("not a url at all") == nil)
    }

    @Test func fingerprintIgnoresCaseAndPunctuationButNotWords() {
        let text = "The minister said the engines would be delivered by March, according to two officials briefed on the call."
        let a = ContentFingerprint.compute(title: "Engines by March", text: text)
        let b = ContentFingerprint.compute(title: "ENGINES BY MARCH!", text: text.uppercased() + "  ")
        let c = ContentFingerprint.compute(title: "Engines by April", text: text)
        #expect(a != nil && a == b)
        #expect(a != c)
        #expect(ContentFingerprint.compute(title: "Daily briefing", text: nil) == nil)
    }

    @Test func fingerprintHandlesNonASCIILettersByCaseAndWord() {
        let text = "Die größte Übung der Marine vor Αθήνα und 東京 beginnt am Montag, sagen zwei Beamte, die über den Plan informiert wurden."
        let lower = ContentFingerprint.compute(title: "Übung vor Αθήνα", text: text)
        let upper = ContentFingerprint.compute(title: "ÜBUNG VOR ΑΘΉΝΑ", text: text.replacingOccurrences(of: "Übung", with: "ÜBUNG") + " — ")
        let otherWord = ContentFingerprint.compute(title: "Übung vor Αθήνα", text: text.replacingOccurrences(of: "東京", with: "大阪"))
        #expect(lower != nil && lower == upper)
        #expect(lower != otherWord)
        // Punctuation outside ASCII (dashes, quotes) separates words like ASCII punctuation does.
        #expect(ContentFingerprint.compute(title: "a–b", text: text) == ContentFingerprint.compute(title: "a b", text: text))
    }
}
