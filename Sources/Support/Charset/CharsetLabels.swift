import Foundation

/// Where a document names its encoding, and what the names mean, for each `CharsetDecoder.Precedence`.
enum CharsetLabels {
    // MARK: feeds

    /// A feed's encoding name, lower-case and as iconv knows it; ISO-8859-1 and US-ASCII name windows-1252.
    /// Unknown names are kept (iconv may still know them).
    static func feedName(_ raw: String) -> String {
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
        default: return name
        }
    }

    /// The common case of `feedName`'s clean-up ("UTF-8", "utf-8", "ISO_8859-1"): printable ASCII with nothing
    /// to trim, lower-cased with "_" as "-" in one pass. Nil sends anything else to the general path.
    static func plainASCIIName(_ raw: String) -> String? {
        let bytes = raw.utf8
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x27 }) else { return nil }
        return String(decoding: bytes.map { $0 == 0x5F ? 0x2D : ($0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0) }, as: UTF8.self)
    }

    static func isSingleByte(_ encoding: String) -> Bool {
        encoding.hasPrefix("windows-") || encoding.hasPrefix("iso-8859-") || encoding.hasPrefix("koi8")
            || encoding.hasPrefix("mac") || encoding.hasPrefix("cp125") || encoding == "tis-620"
    }

    /// The `encoding="…"` of an XML declaration at the very start (ASCII-compatible bytes only), trimmed.
    static func xmlDeclaredEncoding(_ b: [UInt8]) -> String? {
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

    // MARK: pages

    /// WHATWG labels to the encodings used here (iconv's spelling); nil for a label not known here. A label
    /// claiming UTF-16 on a page means UTF-8 (spec rule: the bytes were already read as ASCII-compatible).
    static func whatwgName(_ label: String) -> String? {
        let name = label.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\n\"'")).lowercased()
        switch name {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8":
            return "UTF-8"
        case "utf-16", "utf-16le", "utf-16be", "unicode", "ucs-2", "unicodefffe", "csunicode":
            return "UTF-8"
        case "ascii", "us-ascii", "iso-8859-1", "iso8859-1", "iso_8859-1", "iso88591", "latin1", "l1", "cp1252",
             "windows-1252", "x-cp1252", "cp819", "ibm819", "iso-ir-100", "csisolatin1", "ansi_x3.4-1968":
            return "windows-1252"
        case "gb2312", "gbk", "x-gbk", "chinese", "csgb2312", "gb_2312", "gb_2312-80", "iso-ir-58", "cp936", "gb18030":
            return "GB18030"
        case "big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5":
            return "BIG5-HKSCS"
        case "shift_jis", "shift-jis", "sjis", "ms_kanji", "ms932", "windows-31j", "x-sjis", "csshiftjis":
            return "CP932"
        case "euc-jp", "x-euc-jp", "cseucpkdfmtjapanese":
            return "EUC-JP"
        case "iso-2022-jp", "csiso2022jp":
            return "ISO-2022-JP"
        case "euc-kr", "ks_c_5601-1987", "windows-949", "cseuckr", "korean":
            return "CP949"
        case "koi8-r", "koi8", "koi", "cskoi8r":
            return "KOI8-R"
        case "koi8-u", "koi8-ru":
            return "KOI8-U"
        default:
            if let number = name.split(separator: "-").last, name.hasPrefix("windows-125") || name.hasPrefix("cp125") {
                return "CP\(number.filter(\.isNumber))"
            }
            if name.hasPrefix("iso-8859-") || name.hasPrefix("iso8859-") || name.hasPrefix("iso_8859-") {
                let part = name.split(whereSeparator: { $0 == "-" || $0 == "_" }).last.map(String.init) ?? ""
                return Int(part) != nil ? "ISO-8859-\(part)" : nil
            }
            return nil
        }
    }

    /// The charset a page names in its first 8 KiB: `<meta charset>`, `http-equiv` content, or `<?xml encoding>`
    /// (lower-cased, as the tag was read).
    static func htmlDeclaredCharset(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(8192).map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }
        var index = 0
        while let metaStart = find(Array("<meta".utf8), in: head, from: index) {
            let end = head[metaStart...].firstIndex(of: 62) ?? head.count  // '>'
            let tag = Array(head[metaStart..<end])
            if let charset = value(after: Array("charset".utf8), in: tag) { return charset }
            index = end
        }
        if head.starts(with: Array("<?xml".utf8)), let end = head.firstIndex(of: 62),
           let encoding = value(after: Array("encoding".utf8), in: Array(head[..<end])) {
            return encoding
        }
        return nil
    }

    private static func value(after key: [UInt8], in tag: [UInt8]) -> String? {
        guard let keyStart = find(key, in: tag, from: 0) else { return nil }
        var position = keyStart + key.count
        func skipSpaces() { while position < tag.count && [9, 10, 12, 13, 32].contains(tag[position]) { position += 1 } }
        skipSpaces()
        guard position < tag.count, tag[position] == 61 else { return nil }  // '='
        position += 1
        skipSpaces()
        if position < tag.count && (tag[position] == 34 || tag[position] == 39) { position += 1 }
        let start = position
        while position < tag.count, tag[position] != 34, tag[position] != 39, tag[position] != 59,
              tag[position] != 32, tag[position] != 47, tag[position] != 62 {
            position += 1
        }
        guard position > start else { return nil }
        return String(decoding: tag[start..<position], as: UTF8.self)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
