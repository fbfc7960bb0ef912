import Foundation

/// Character classes shared by the tokenizers, the sentence splitter and the query lexer.
///
/// Works on Unicode scalars with an ASCII fast path: the engine runs over every incoming article,
/// so per-character work must stay cheap.
enum ScalarClass {
    /// A letter or a digit: what the dev set scorer's `[^\W_]` token regex accepts
    /// (`_TOKEN_RE` in ../shared/novelty-dev/novelty_common.py).
    @inline(__always)
    static func isWord(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
        }
        return isLetter(s) || isNumber(s)
    }

    @inline(__always)
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    @inline(__always)
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v >= 0x30 && v <= 0x39 }
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    @inline(__always)
    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }

    @inline(__always)
    static func isUpper(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v >= 0x41 && v <= 0x5A }
        return s.properties.isUppercase
    }

    @inline(__always)
    static func isLower(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v >= 0x61 && v <= 0x7A }
        return s.properties.isLowercase
    }

    @inline(__always)
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x2000...0x200B, 0x202F, 0x205F, 0x3000, 0x85: return true
        default: return false
        }
    }

    /// Python's `\w` (letters, digits and underscore), which decides the `\b` before a dotted acronym.
    @inline(__always)
    static func isRegexWord(_ s: Unicode.Scalar) -> Bool { s == "_" || isWord(s) }
}

extension String {
    /// Lower-cased, diacritics removed ("Café" → "cafe"); ASCII takes a fast path.
    var foldedForMatching: String {
        var ascii = true
        for u in utf8 where u >= 0x80 { ascii = false; break }
        if ascii {
            var hasUpper = false
            for u in utf8 where u >= 0x41 && u <= 0x5A { hasUpper = true; break }
            if !hasUpper { return self }
            return String(decoding: utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 32 : $0 }, as: UTF8.self)
        }
        var out = String.UnicodeScalarView()
        for s in lowercased().decomposedStringWithCompatibilityMapping.unicodeScalars {
            if s.properties.generalCategory == .nonspacingMark { continue }
            out.append(s)
        }
        return String(out)
    }
}
