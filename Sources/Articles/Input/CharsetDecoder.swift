import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns page bytes into UTF-8 before libxml2 sees them, so the parser never guesses.
///
/// Precedence: the HTTP `Content-Type` charset (when fetched), then a byte-order mark, then "it is valid
/// UTF-8", then the charset the page declares (`<meta charset>`, `http-equiv`, XML declaration), then
/// windows-1252 — the web's de-facto default for undeclared legacy pages (and a superset of Latin-1).
public enum CharsetDecoder {
    public enum Source: String, Sendable, Codable {
        case http, byteOrderMark = "bom", validUTF8 = "utf-8", declared, fallback
    }

    public struct Decoded: Sendable {
        public var utf8: [UInt8]
        /// The encoding the bytes were read as (canonical name).
        public var charset: String
        public var source: Source
        public var warnings: [String]
    }

    public static func decode(_ bytes: [UInt8], httpCharset: String? = nil) -> Decoded {
        var warnings: [String] = []
        if let httpCharset, !httpCharset.isEmpty {
            if let decoded = decode(bytes, label: httpCharset, source: .http) { return decoded }
            warnings.append("unknown HTTP charset \"\(httpCharset)\" ignored")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return Decoded(utf8: repairUTF8(Array(bytes.dropFirst(3))), charset: "UTF-8", source: .byteOrderMark, warnings: warnings)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let littleEndian = bytes[0] == 0xFF
            return Decoded(utf8: utf16ToUTF8(Array(bytes.dropFirst(2)), littleEndian: littleEndian),
                           charset: littleEndian ? "UTF-16LE" : "UTF-16BE", source: .byteOrderMark, warnings: warnings)
        }
        if isValidUTF8(bytes) {
            return Decoded(utf8: bytes, charset: "UTF-8", source: .validUTF8, warnings: warnings)
        }
        if let declared = declaredCharset(in: bytes) {
            if var decoded = decode(bytes, label: declared, source: .declared) {
                decoded.warnings = warnings + decoded.warnings
                return decoded
            }
            warnings.append("unknown declared charset \"\(declared)\"; read as windows-1252")
        }
        return Decoded(utf8: windows1252ToUTF8(bytes), charset: "windows-1252", source: .fallback, warnings: warnings)
    }

    /// The `charset` parameter of a `Content-Type` header value (`text/html; charset="ISO-8859-1"`), if any.
    public static func charsetParameter(ofContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else { continue }
            let value = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Decodes with the encoding a WHATWG label names; nil when the label is unknown here.
    static func decode(_ bytes: [UInt8], label: String, source: Source) -> Decoded? {
        guard let encoding = canonicalEncoding(forLabel: label) else { return nil }
        switch encoding {
        case "UTF-8":
            let valid = isValidUTF8(bytes)
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
            return Decoded(utf8: valid ? body : repairUTF8(body), charset: "UTF-8", source: source,
                           warnings: valid ? [] : ["invalid UTF-8 sequences replaced with U+FFFD"])
        case "windows-1252":
            return Decoded(utf8: windows1252ToUTF8(bytes), charset: encoding, source: source, warnings: [])
        case "UTF-16LE", "UTF-16BE":
            return Decoded(utf8: utf16ToUTF8(bytes, littleEndian: encoding == "UTF-16LE"), charset: encoding, source: source, warnings: [])
        default:
            guard let converted = iconvToUTF8(bytes, from: encoding) else { return nil }
            return Decoded(utf8: converted.bytes, charset: encoding, source: source,
                           warnings: converted.replaced ? ["bytes invalid in \(encoding) replaced with U+FFFD"] : [])
        }
    }

    /// WHATWG labels to the names used here (and by iconv). A `<meta>` claiming UTF-16 means UTF-8 (spec rule).
    static func canonicalEncoding(forLabel label: String) -> String? {
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

    // MARK: detection

    /// The charset named in the first 8 KiB: `<meta charset>`, `http-equiv` content, or `<?xml encoding>`.
    static func declaredCharset(in bytes: [UInt8]) -> String? {
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

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            let count = buffer.count
            while index < count {
                let byte = buffer[index]
                if byte < 0x80 { index += 1; continue }
                let length: Int
                var minimum: UInt32
                var scalar: UInt32
                switch byte {
                case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(byte & 0x1F)
                case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(byte & 0x0F)
                case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(byte & 0x07)
                default: return false
                }
                guard index + length <= count else { return false }
                for offset in 1..<length {
                    let continuation = buffer[index + offset]
                    guard continuation & 0xC0 == 0x80 else { return false }
                    scalar = scalar << 6 | UInt32(continuation & 0x3F)
                }
                if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return false }
                minimum = 0
                index += length
            }
            return true
        }
    }

    // MARK: conversion

    static func repairUTF8(_ bytes: [UInt8]) -> [UInt8] {
        Array(String(decoding: bytes, as: UTF8.self).utf8)
    }

    private static func utf16ToUTF8(_ bytes: [UInt8], littleEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 0
        while index + 1 < bytes.count {
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            units.append(littleEndian ? first | second << 8 : first << 8 | second)
            index += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    /// windows-1252: Latin-1 except 0x80–0x9F, which hold typographic quotes, dashes, € and friends.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func windows1252ToUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 { output.append(byte); continue }
            let scalar = (0x80...0x9F).contains(byte) ? windows1252High[Int(byte - 0x80)] : UInt32(byte)
            output.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        }
        return output
    }

    /// iconv for the multi-byte legacy encodings; an undecodable byte becomes U+FFFD and decoding goes on.
    private static func iconvToUTF8(_ bytes: [UInt8], from encoding: String) -> (bytes: [UInt8], replaced: Bool)? {
        let converter = iconv_open("UTF-8", encoding)
        if converter == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(converter) }
        var output = [UInt8](repeating: 0, count: max(bytes.count * 4, 64))
        var replaced = false
        var input = bytes
        let produced: Int = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inputBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inputBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outputBuffer.count
                while inLeft > 0 {
                    let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    if result != -1 { break }
                    if errno == E2BIG || outLeft < 3 { break }
                    // EILSEQ / EINVAL: skip one byte, write U+FFFD.
                    replaced = true
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                    for byte: UInt8 in [0xEF, 0xBF, 0xBD] {
                        outPointer?.pointee = CChar(bitPattern: byte)
                        outPointer = outPointer.map { $0 + 1 }
                        outLeft -= 1
                    }
                }
                return outputBuffer.count - outLeft
            }
        }
        return (Array(output[..<produced]), replaced)
    }
}
