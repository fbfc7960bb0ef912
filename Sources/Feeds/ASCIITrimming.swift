/// Trimming by bytes, for the ASCII sets feeds and HTTP trim (white space, OWS, quotes): Foundation's
/// `trimmingCharacters(in:)` bridges every string through NSString, and these run per item or per response.
enum ASCIITrimming {
    /// `text` without the leading and trailing bytes `isTrimmed` accepts (it must accept ASCII bytes only).
    static func trimming(_ text: Substring, where isTrimmed: (UInt8) -> Bool) -> Substring {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !isTrimmed($0) }) else { return text[text.endIndex...] }
        let last = utf8.lastIndex(where: { !isTrimmed($0) })!
        return text[first...last]
    }
}
