#if canImport(Glibc)
import Glibc
#endif

/// Turns document bytes in any encoding into UTF-8 before libxml2 sees them, so the parser never guesses.
///
/// One implementation for feeds and pages. What differs is which evidence about the encoding outranks which, and
/// that is the `precedence` parameter:
///
/// - `.feed` (XML, RFC 7303 with repairs), used by `FeedParser` and `OPMLReader`:
///   1. a byte-order mark (UTF-8, UTF-16, UTF-32);
///   2. UTF-16/32 without a mark, recognised by how `<` is laid out (XML 1.0 appendix F);
///   3. the transport charset (HTTP `Content-Type`), else the XML declaration, else UTF-8. When the two disagree,
///      one of them is UTF-8 and the bytes are valid UTF-8 with non-ASCII content, UTF-8 wins (servers that send
///      `charset=iso-8859-1` for UTF-8 feeds are common);
///   4. a UTF-16/32 label on ASCII-compatible bytes, and a single-byte label on bytes holding two or more valid
///      multi-byte UTF-8 sequences, are overruled by the bytes: UTF-8.
///   Bytes the chosen encoding cannot read are read as UTF-8, and invalid UTF-8 bytes as windows-1252. The output
///   is cleaned for XML: C0 controls dropped, C1 controls read as windows-1252, U+FFFE/U+FFFF dropped. Names are
///   lower-case (`utf-8`, `windows-1252`); ISO-8859-1 and US-ASCII are read as windows-1252, as browsers do.
/// - `.page` (HTML, the WHATWG encoding-sniffing order), used by `ArticleExtractor`:
///   1. the transport charset, when it is a label known here;
///   2. a byte-order mark (UTF-8, UTF-16);
///   3. "the bytes are valid UTF-8";
///   4. the charset the page declares in its first 8 KiB (`<meta charset>`, `http-equiv`, XML declaration);
///   5. windows-1252, the web's de-facto default for undeclared legacy pages.
///   Bytes invalid in the chosen encoding become U+FFFD. Nothing is cleaned (the HTML parser copes). Names are the
///   WHATWG encodings in iconv's spelling (`UTF-8`, `windows-1252`, `CP932`, `GB18030`).
///
/// Both share the byte-order marks, the UTF-8 scan, windows-1252 and iconv (`CharsetPrimitives.swift`).
public enum CharsetDecoder {
    public enum Precedence: Sendable {
        /// Feeds: byte-order mark > UTF-16/32 layout > transport charset > XML declaration > UTF-8.
        case feed
        /// Pages: transport charset > byte-order mark > valid UTF-8 > declared charset > windows-1252.
        case page
    }

    /// Which evidence decided the encoding.
    public enum Source: String, Sendable, Codable {
        case http, byteOrderMark = "bom", validUTF8 = "utf-8", declared, fallback
    }

    public struct Decoded: Sendable {
        public var utf8: [UInt8]
        /// The encoding the bytes were read as (the precedence's spelling; see `Precedence`).
        public var charset: String
        public var source: Source
        public var warnings: [String]
    }

    public static func decode(_ bytes: [UInt8], transportCharset: String?, precedence: Precedence) -> Decoded {
        switch precedence {
        case .feed: return FeedRules.decode(bytes, transportCharset: transportCharset)
        case .page: return PageRules.decode(bytes, transportCharset: transportCharset)
        }
    }

    /// The encoding and length of a byte-order mark at the start (UTF-8, UTF-16 and UTF-32, lower-case names).
    public static func byteOrderMark(_ b: [UInt8]) -> (encoding: String, length: Int)? {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return ("utf-8", 3) }
        if b.count >= 4, b[0] == 0xFF, b[1] == 0xFE, b[2] == 0, b[3] == 0 { return ("utf-32le", 4) }
        if b.count >= 4, b[0] == 0, b[1] == 0, b[2] == 0xFE, b[3] == 0xFF { return ("utf-32be", 4) }
        if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE { return ("utf-16le", 2) }
        if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF { return ("utf-16be", 2) }
        return nil
    }

    /// UTF-16/32 without a byte-order mark, recognised by how `<` is laid out (XML 1.0 appendix F).
    public static func sniffWideEncoding(_ b: [UInt8]) -> String? {
        guard b.count >= 4 else { return nil }
        switch (b[0], b[1], b[2], b[3]) {
        case (0, 0, 0, 0x3C): return "utf-32be"
        case (0x3C, 0, 0, 0): return "utf-32le"
        case (0, 0x3C, 0, _): return "utf-16be"
        case (0x3C, 0, _, 0): return "utf-16le"
        default: return nil
        }
    }
}

/// `Precedence.feed`: what to believe, then the conversion, then the XML clean-up.
enum FeedRules {
    static func decode(_ input: [UInt8], transportCharset: String?) -> CharsetDecoder.Decoded {
        var warnings: [String] = []
        if let (bomEncoding, bomLength) = CharsetDecoder.byteOrderMark(input) {
            if bomEncoding == "utf-8" {
                return fromUTF8(Array(input[bomLength...]), source: .byteOrderMark, warnings: warnings)
            }
            if let converted = Iconv.convert(input[bomLength...], from: bomEncoding) {
                return cleaned(converted.bytes, encoding: bomEncoding, source: .byteOrderMark, warnings: warnings)
            }
            warnings.append("bytes are not valid \(bomEncoding) despite the byte-order mark")
            return fromUTF8(Array(input[bomLength...]), source: .fallback, warnings: warnings)
        }
        if let wide = CharsetDecoder.sniffWideEncoding(input) {
            if let converted = Iconv.convert(input[...], from: wide) {
                return cleaned(converted.bytes, encoding: wide, source: .byteOrderMark, warnings: warnings)
            }
            warnings.append("bytes look like \(wide) but do not convert")
        }

        let declared = CharsetLabels.xmlDeclaredEncoding(input).map(CharsetLabels.feedName)
        let hinted = transportCharset.map(CharsetLabels.feedName)
        var chosen = hinted ?? declared ?? "utf-8"
        var source: CharsetDecoder.Source = hinted != nil ? .http : declared != nil ? .declared : .fallback
        if let hinted, let declared, hinted != declared, hinted == "utf-8" || declared == "utf-8" {
            let scan = UTF8Scan.scan(input)
            if scan.isValid && scan.hasNonASCII { (chosen, source) = ("utf-8", .validUTF8) }
        }
        // UTF-16/32 declared in ASCII-compatible bytes is a lie the bytes themselves refute.
        if chosen.hasPrefix("utf-16") || chosen.hasPrefix("utf-32") || chosen.hasPrefix("ucs") {
            warnings.append("declared \(chosen) but the bytes are ASCII-compatible; read as utf-8")
            (chosen, source) = ("utf-8", .fallback)
        }
        if chosen == "utf-8" {
            return fromUTF8(input, source: source, warnings: warnings)
        }
        // Legacy single-byte text practically never forms valid multi-byte UTF-8, so bytes that do were
        // mislabelled (a very common server and CMS mistake): believe the bytes.
        if CharsetLabels.isSingleByte(chosen) {
            let scan = UTF8Scan.scan(input)
            if scan.isValid && scan.multiByteSequences >= 2 {
                warnings.append("declared \(chosen) but the bytes are UTF-8; read as utf-8")
                return fromUTF8(input, source: .validUTF8, warnings: warnings)
            }
        }
        if chosen == "windows-1252" {
            return cleaned(Windows1252.decode(input[...], forXML: true), encoding: chosen, source: source, warnings: warnings)
        }
        if let converted = Iconv.convert(input[...], from: chosen) {
            return cleaned(converted.bytes, encoding: chosen, source: source, warnings: warnings)
        }
        if Iconv.isKnown(chosen) {
            warnings.append("bytes are not valid \(chosen)")
        } else {
            warnings.append("unknown encoding \(chosen)")
        }
        return fromUTF8(input, source: .fallback, warnings: warnings)
    }

    /// UTF-8: valid bytes pass through (fast); invalid sequences are read as windows-1252.
    private static func fromUTF8(_ input: [UInt8], source: CharsetDecoder.Source, warnings: [String]) -> CharsetDecoder.Decoded {
        var warnings = warnings
        let scan = UTF8Scan.scan(input)
        if scan.isValid && !scan.needsCleaning {
            return .init(utf8: input, charset: "utf-8", source: source, warnings: warnings)
        }
        if !scan.isValid {
            warnings.append("bytes are not valid UTF-8; invalid bytes read as windows-1252")
        }
        return .init(utf8: UTF8Scan.repair(input), charset: scan.isValid ? "utf-8" : "windows-1252", source: source,
                     warnings: warnings)
    }

    /// Converted text with what XML forbids taken out.
    private static func cleaned(_ utf8: [UInt8], encoding: String, source: CharsetDecoder.Source,
                                warnings: [String]) -> CharsetDecoder.Decoded {
        let scan = UTF8Scan.scan(utf8)
        let clean = scan.needsCleaning || !scan.isValid ? UTF8Scan.repair(utf8) : utf8
        return .init(utf8: clean, charset: encoding, source: source, warnings: warnings)
    }
}

/// `Precedence.page`: the first evidence that names an encoding known here wins; invalid bytes become U+FFFD.
enum PageRules {
    static func decode(_ bytes: [UInt8], transportCharset: String?) -> CharsetDecoder.Decoded {
        var warnings: [String] = []
        if let transportCharset, !transportCharset.isEmpty {
            if let decoded = decode(bytes, label: transportCharset, source: .http) { return decoded }
            warnings.append("unknown HTTP charset \"\(transportCharset)\" ignored")
        }
        if let (mark, length) = CharsetDecoder.byteOrderMark(bytes) {
            // The WHATWG marks are UTF-8 and UTF-16's; a UTF-32LE mark starts like UTF-16LE's.
            switch mark {
            case "utf-8":
                return .init(utf8: UTF8Scan.replacingInvalid(Array(bytes[length...])), charset: "UTF-8",
                             source: .byteOrderMark, warnings: warnings)
            case "utf-16le", "utf-32le":
                return .init(utf8: UTF16Bytes.decode(bytes[2...], littleEndian: true), charset: "UTF-16LE",
                             source: .byteOrderMark, warnings: warnings)
            case "utf-16be":
                return .init(utf8: UTF16Bytes.decode(bytes[2...], littleEndian: false), charset: "UTF-16BE",
                             source: .byteOrderMark, warnings: warnings)
            default:
                break
            }
        }
        if UTF8Scan.scan(bytes).isValid {
            return .init(utf8: bytes, charset: "UTF-8", source: .validUTF8, warnings: warnings)
        }
        if let declared = CharsetLabels.htmlDeclaredCharset(bytes) {
            if var decoded = decode(bytes, label: declared, source: .declared) {
                decoded.warnings = warnings + decoded.warnings
                return decoded
            }
            warnings.append("unknown declared charset \"\(declared)\"; read as windows-1252")
        }
        return .init(utf8: Windows1252.decode(bytes[...], forXML: false), charset: "windows-1252", source: .fallback,
                     warnings: warnings)
    }

    /// Decodes with the encoding a WHATWG label names; nil when the label is unknown here.
    static func decode(_ bytes: [UInt8], label: String, source: CharsetDecoder.Source) -> CharsetDecoder.Decoded? {
        guard let encoding = CharsetLabels.whatwgName(label) else { return nil }
        switch encoding {
        case "UTF-8":
            let valid = UTF8Scan.scan(bytes).isValid
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
            return .init(utf8: valid ? body : UTF8Scan.replacingInvalid(body), charset: "UTF-8", source: source,
                         warnings: valid ? [] : ["invalid UTF-8 sequences replaced with U+FFFD"])
        case "windows-1252":
            return .init(utf8: Windows1252.decode(bytes[...], forXML: false), charset: encoding, source: source, warnings: [])
        case "UTF-16LE", "UTF-16BE":
            return .init(utf8: UTF16Bytes.decode(bytes[...], littleEndian: encoding == "UTF-16LE"), charset: encoding,
                         source: source, warnings: [])
        default:
            guard let converted = Iconv.convert(bytes[...], from: encoding, replacingInvalid: true) else { return nil }
            return .init(utf8: converted.bytes, charset: encoding, source: source,
                         warnings: converted.replaced ? ["bytes invalid in \(encoding) replaced with U+FFFD"] : [])
        }
    }
}
