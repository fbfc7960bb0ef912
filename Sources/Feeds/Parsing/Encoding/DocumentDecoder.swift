import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The document as UTF-8 bytes libxml2 can read without guessing, plus how we got there.
struct DecodedDocument {
    var utf8: [UInt8]
    /// The encoding the original bytes were read as (lower-case, e.g. "utf-8", "windows-1252").
    var encoding: String
    var warnings: [String]
}

/// Turns feed bytes in any encoding into clean UTF-8.
///
/// Precedence (RFC 7303, with one repair): a byte-order mark wins; then the HTTP charset hint; then the XML
/// declaration; then UTF-8. When the hint and the declaration disagree and the bytes are valid UTF-8 with
/// non-ASCII content, UTF-8 wins: servers that send `charset=iso-8859-1` for UTF-8 feeds are common.
/// When the chosen encoding cannot read the bytes (declared UTF-8 but invalid), invalid bytes are read as
/// windows-1252. ISO-8859-1 and US-ASCII are read as windows-1252, as browsers do, so C1 "smart quotes" survive;
/// C1 control characters in UTF-8 text are mapped the same way. Characters XML forbids (C0 controls) are dropped.
enum DocumentDecoder {
    static func decode(_ input: [UInt8], charsetHint: String?) -> DecodedDocument {
        var warnings: [String] = []
        if let (bomEncoding, bomLength) = byteOrderMark(input) {
            if bomEncoding == "utf-8" {
                return fromUTF8(Array(input[bomLength...]), label: "utf-8", warnings: warnings)
            }
            if let converted = Iconv.convert(input[bomLength...], from: bomEncoding) {
                return finish(converted, encoding: bomEncoding, warnings: warnings)
            }
            warnings.append("bytes are not valid \(bomEncoding) despite the byte-order mark")
            return fromUTF8(Array(input[bomLength...]), label: "utf-8", warnings: warnings)
        }
        if let wide = sniffWideEncoding(input) {
            if let converted = Iconv.convert(input[...], from: wide) {
                return finish(converted, encoding: wide, warnings: warnings)
            }
            warnings.append("bytes look like \(wide) but do not convert")
        }

        let declared = declaredEncoding(input).map(canonicalName)
        let hinted = charsetHint.map(canonicalName)
        var chosen = hinted ?? declared ?? "utf-8"
        if let hinted, let declared, hinted != declared, hinted == "utf-8" || declared == "utf-8" {
            let scan = UTF8Scan.scan(input)
            if scan.isValid && scan.hasNonASCII { chosen = "utf-8" }
        }
        // UTF-16/32 declared in ASCII-compatible bytes is a lie the bytes themselves refute.
        if chosen.hasPrefix("utf-16") || chosen.hasPrefix("utf-32") || chosen.hasPrefix("ucs") {
            warnings.append("declared \(chosen) but the bytes are ASCII-compatible; read as utf-8")
            chosen = "utf-8"
        }
        if chosen == "utf-8" {
            return fromUTF8(input, label: "utf-8", warnings: warnings)
        }
        // Legacy single-byte text practically never forms valid multi-byte UTF-8, so bytes that do were
        // mislabelled (a very common server and CMS mistake): believe the bytes.
        if Self.isSingleByte(chosen) {
            let scan = UTF8Scan.scan(input)
            if scan.isValid && scan.multiByteSequences >= 2 {
                warnings.append("declared \(chosen) but the bytes are UTF-8; read as utf-8")
                return fromUTF8(input, label: "utf-8", warnings: warnings)
            }
        }
        if chosen == "windows-1252" {
            return finish(Windows1252.decode(input[...]), encoding: chosen, warnings: warnings)
        }
        if let converted = Iconv.convert(input[...], from: chosen) {
            return finish(converted, encoding: chosen, warnings: warnings)
        }
        if Iconv.isKnown(chosen) {
            warnings.append("bytes are not valid \(chosen)")
        } else {
            warnings.append("unknown encoding \(chosen)")
        }
        return fromUTF8(input, label: "utf-8", warnings: warnings)
    }

    /// UTF-8 path: valid bytes pass through (fast); invalid sequences are read as windows-1252.
    private static func fromUTF8(_ input: [UInt8], label: String, warnings: [String]) -> DecodedDocument {
        var warnings = warnings
        let scan = UTF8Scan.scan(input)
        if scan.isValid && !scan.needsCleaning {
            return DecodedDocument(utf8: input, encoding: label, warnings: warnings)
        }
        if !scan.isValid {
            warnings.append("bytes are not valid UTF-8; invalid bytes read as windows-1252")
        }
        return DecodedDocument(utf8: UTF8Scan.repair(input), encoding: scan.isValid ? label : "windows-1252",
                               warnings: warnings)
    }

    private static func finish(_ utf8: [UInt8], encoding: String, warnings: [String]) -> DecodedDocument {
        let scan = UTF8Scan.scan(utf8)
        if scan.needsCleaning || !scan.isValid {
            return DecodedDocument(utf8: UTF8Scan.repair(utf8), encoding: encoding, warnings: warnings)
        }
        return DecodedDocument(utf8: utf8, encoding: encoding, warnings: warnings)
    }

    static func isSingleByte(_ encoding: String) -> Bool {
        encoding.hasPrefix("windows-") || encoding.hasPrefix("iso-8859-") || encoding.hasPrefix("koi8")
            || encoding.hasPrefix("mac") || encoding.hasPrefix("cp125") || encoding == "tis-620"
    }

    static func byteOrderMark(_ b: [UInt8]) -> (String, Int)? {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return ("utf-8", 3) }
        if b.count >= 4, b[0] == 0xFF, b[1] == 0xFE, b[2] == 0, b[3] == 0 { return ("utf-32le", 4) }
        if b.count >= 4, b[0] == 0, b[1] == 0, b[2] == 0xFE, b[3] == 0xFF { return ("utf-32be", 4) }
        if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE { return ("utf-16le", 2) }
        if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF { return ("utf-16be", 2) }
        return nil
    }

    /// UTF-16/32 without a BOM, recognised by how `<` is laid out (XML 1.0 appendix F).
    static func sniffWideEncoding(_ b: [UInt8]) -> String? {
        guard b.count >= 4 else { return nil }
        switch (b[0], b[1], b[2], b[3]) {
        case (0, 0, 0, 0x3C): return "utf-32be"
        case (0x3C, 0, 0, 0): return "utf-32le"
        case (0, 0x3C, 0, _): return "utf-16be"
        case (0x3C, 0, _, 0): return "utf-16le"
        default: return nil
        }
    }

    /// The `encoding="…"` of an XML declaration at the very start (ASCII-compatible bytes only).
    static func declaredEncoding(_ b: [UInt8]) -> String? {
        guard b.count > 5, b[0] == 0x3C, b[1] == 0x3F, b[2] == 0x78, b[3] == 0x6D, b[4] == 0x6C else { return nil }
        let limit = min(b.count, 512)
        guard let end = (5..<limit).first(where: { b[$0] == 0x3E }) else { return nil }
        // Read as bytes: this runs for every fetched document, and Foundation's `range(of:)` bridged the
        // declaration to NSString (25 µs a document here).
        let keyword: [UInt8] = Array("encoding".utf8)
        guard end >= keyword.count,
              let found = (0...(end - keyword.count)).first(where: { at in keyword.indices.allSatisfy { b[at + $0] == keyword[$0] } })
        else { return nil }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var i = found + keyword.count
        while i < end, isSpace(b[i]) { i += 1 }
        guard i < end, b[i] == 0x3D else { return nil }   // =
        i += 1
        while i < end, isSpace(b[i]) { i += 1 }
        guard i < end, b[i] == 0x22 || b[i] == 0x27 else { return nil }
        let quote = b[i]
        var close = i + 1
        while close < end, b[close] != quote { close += 1 }
        // Trimmed as `trimmingCharacters(in: .whitespaces)` would: tabs and space separators, at both ends.
        let value = String(decoding: b[(i + 1)..<close], as: UTF8.self).unicodeScalars
        let isBlank = { (scalar: Unicode.Scalar) in scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
        guard let first = value.firstIndex(where: { !isBlank($0) }), let last = value.lastIndex(where: { !isBlank($0) }) else {
            return nil
        }
        return String(value[first...last])
    }

    static func canonicalName(_ raw: String) -> String {
        let name = plainASCIIName(raw) ?? raw.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"'")))
            .lowercased().replacingOccurrences(of: "_", with: "-")
        switch name {
        case "utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8": return "utf-8"
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "iso-ir-100", "cp819",
             "windows-1252", "cp1252", "x-cp1252", "ibm819", "ansi-x3.4-1968":
            return "windows-1252"
        case "utf-16", "utf16": return "utf-16"
        case "mac-cyrillic", "x-mac-cyrillic", "maccyrillic": return "maccyrillic"
        case "macintosh", "mac", "x-mac-roman", "macroman", "mac-roman": return "macintosh"
        case "gb2312", "gbk", "x-gbk": return "gbk"
        case "shift-jis", "sjis", "x-sjis", "shift_jis": return "shift_jis"
        case "ks-c-5601-1987", "korean": return "euc-kr"
        default:
            if name.hasPrefix("windows-") || name.hasPrefix("cp") { return name }
            return name
        }
    }
}

extension DocumentDecoder {
    /// The common case of `canonicalName`'s clean-up ("UTF-8", "utf-8", "ISO_8859-1"): printable ASCII with
    /// nothing to trim, lower-cased with "_" as "-" in one pass. Nil sends anything else to the general path.
    static func plainASCIIName(_ raw: String) -> String? {
        let bytes = raw.utf8
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x27 }) else { return nil }
        return String(decoding: bytes.map { $0 == 0x5F ? 0x2D : ($0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0) }, as: UTF8.self)
    }
}

/// One pass over UTF-8 bytes: validity, non-ASCII presence, and whether anything must be cleaned
/// (XML-forbidden C0 controls, C1 controls that are really windows-1252).
struct UTF8Scan {
    var isValid = true
    var hasNonASCII = false
    var needsCleaning = false
    var multiByteSequences = 0

    static func scan(_ bytes: [UInt8]) -> UTF8Scan {
        var result = UTF8Scan()
        bytes.withUnsafeBufferPointer { buffer in
            let n = buffer.count
            var i = 0
            let raw = UnsafeRawBufferPointer(buffer)
            while i < n {
                // Eight printable ASCII bytes at a time (no high bit, none below 0x20): the common case.
                if i + 8 <= n {
                    let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    let high = word & 0x8080_8080_8080_8080
                    let belowSpace = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
                    if high == 0 && belowSpace == 0 {
                        i += 8
                        continue
                    }
                }
                let byte = buffer[i]
                if byte < 0x80 {
                    if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { result.needsCleaning = true }
                    i += 1
                    continue
                }
                result.hasNonASCII = true
                let length = sequenceLength(buffer, i)
                if length == 0 {
                    result.isValid = false
                    return
                }
                if byte == 0xC2 && buffer[i + 1] < 0xA0 { result.needsCleaning = true }
                result.multiByteSequences += 1
                i += length
            }
        }
        return result
    }

    /// Length of the valid UTF-8 sequence starting at i, or 0 when it is not valid.
    @inline(__always)
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let n = b.count
        let c = b[i]
        func cont(_ k: Int) -> Bool { i + k < n && b[i + k] & 0xC0 == 0x80 }
        switch c {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1) && b[i + 1] >= 0xA0 && cont(2) ? 3 : 0
        case 0xED: return cont(1) && b[i + 1] < 0xA0 && cont(2) ? 3 : 0
        case 0xE1...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xF0: return cont(1) && b[i + 1] >= 0x90 && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1) && b[i + 1] < 0x90 && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    /// Valid sequences kept, invalid bytes read as windows-1252, C1 controls mapped through windows-1252,
    /// C0 controls other than tab/newline/return dropped, U+FFFE/U+FFFF dropped.
    static func repair(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let byte = b[i]
                if byte < 0x80 {
                    if byte >= 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { out.append(byte) }
                    i += 1
                    continue
                }
                let length = sequenceLength(b, i)
                if length == 0 {
                    Windows1252.appendUTF8(of: byte, to: &out)
                    i += 1
                    continue
                }
                if byte == 0xC2 && b[i + 1] < 0xA0 {
                    Windows1252.appendUTF8(of: b[i + 1], to: &out)
                } else if length == 3 && byte == 0xEF && b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF) {
                    // U+FFFE / U+FFFF are not XML characters.
                } else {
                    for k in 0..<length { out.append(b[i + k]) }
                }
                i += length
            }
        }
        return out
    }
}

enum Windows1252 {
    /// 0x80–0x9F; 0 marks the five undefined bytes (kept as the C1 code point).
    static let high: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    static func scalar(of byte: UInt8) -> UInt32 {
        if byte >= 0x80 && byte < 0xA0 {
            let mapped = high[Int(byte - 0x80)]
            return mapped == 0 ? UInt32(byte) : mapped
        }
        return UInt32(byte)
    }

    static func appendUTF8(of byte: UInt8, to out: inout [UInt8]) {
        let value = scalar(of: byte)
        if value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D { return }
        if value >= 0x80 && value < 0xA0 { return }  // undefined in windows-1252: drop rather than emit a control
        appendScalar(value, to: &out)
    }

    static func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        switch value {
        case 0..<0x80: out.append(UInt8(value))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (value >> 6)))
            out.append(UInt8(0x80 | (value & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (value >> 12)))
            out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (value & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (value >> 18)))
            out.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (value & 0x3F)))
        }
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 4)
        for byte in bytes { appendUTF8(of: byte, to: &out) }
        return out
    }
}

/// glibc iconv, for the legacy code pages and UTF-16/32.
enum Iconv {
    static func isKnown(_ encoding: String) -> Bool {
        let descriptor = iconv_open("UTF-8", encoding)
        if descriptor == iconv_t(bitPattern: -1) { return false }
        iconv_close(descriptor)
        return true
    }

    /// nil when the encoding is unknown or the bytes are not valid in it.
    static func convert(_ input: ArraySlice<UInt8>, from encoding: String) -> [UInt8]? {
        let descriptor = iconv_open("UTF-8", encoding)
        if descriptor == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(descriptor) }
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var source = Array(input)
        let produced: Int? = source.withUnsafeMutableBytes { sourceBytes -> Int? in
            output.withUnsafeMutableBytes { outBytes -> Int? in
                var inPointer = sourceBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = sourceBytes.count
                var outPointer = outBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBytes.count
                if inLeft == 0 { return 0 }
                let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                if result == -1 && inLeft > 0 { return nil }
                return outBytes.count - outLeft
            }
        }
        guard let produced else { return nil }
        output.removeSubrange(produced...)
        return output
    }
}
