/// A person's name across its forms: "Shri Rajnath Singh", "Rajnath Singh", "Mr. Singh", "Singh" and
/// "Rajnath" share their name tokens once honorifics and titles are dropped. The fact index keys names by
/// these tokens, so any form of a name already stated is known.
public enum NameForms {
    /// The name tokens of a written name, folded (case, diacritics), honorifics and role words dropped.
    public static func tokens(of name: String) -> [String] {
        WordTokenizer.tokens(in: name).compactMap { token in
            let folded = token.foldedForMatching
            if folded.count < 2 || Lexicon.stopwords.contains(folded) || Lexicon.titleWords.contains(folded) { return nil }
            return folded
        }
    }

    /// True when one form is contained in the other: "Mr. Singh" and "Shri Rajnath Singh" refer to one person,
    /// "Rajnath Singh" and "Manmohan Singh" do not.
    public static func sameName(_ a: String, _ b: String) -> Bool {
        let ta = Set(tokens(of: a)), tb = Set(tokens(of: b))
        guard !ta.isEmpty, !tb.isEmpty else { return false }
        return ta.isSubset(of: tb) || tb.isSubset(of: ta)
    }
}
