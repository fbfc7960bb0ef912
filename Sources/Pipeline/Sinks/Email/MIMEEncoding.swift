import Config
import Feeds
import Foundation

/// The encodings an Internet message needs (RFC 5322, 2045, 2047): header values folded to 78 columns, non-ASCII
/// header text as UTF-8 encoded words, bodies as quoted-printable. Everything here is pure and byte-exact, so the
/// receiver's parser (tests use Python's `email` package) decodes exactly what went in.
public enum MIMEEncoding {
    /// A header line "Name: value" folded at spaces to at most 78 columns, with CRLF folds. Non-ASCII values
    /// become encoded words (which a decoder joins back without the folding white space). Control characters are
    /// replaced by spaces: a header value can never start a new header (no injection through a feed's title).
    public static func header(_ name: String, _ value: String) -> String {
        let clean = String(String.UnicodeScalarView(value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        if clean.unicodeScalars.allSatisfy(\.isASCII) && !clean.contains("=?") {
            return fold(name + ": " + clean)
        }
        return name + ": " + encodedWords(clean, firstLineUsed: name.count + 2)
    }

    /// Folds an ASCII header line at spaces; a word longer than a line stays whole (RFC 5322 allows 998).
    static func fold(_ line: String, limit: Int = 78) -> String {
        var output = ""
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= limit {
                current += " " + word
            } else {
                output += current + "\r\n"
                current = " " + word
            }
        }
        return output + current
    }

    /// The text as `=?UTF-8?B?…?=` words of at most 75 characters, split between characters (never inside a
    /// UTF-8 sequence), one per line after the first.
    public static func encodedWords(_ text: String, firstLineUsed: Int = 0) -> String {
        // 12 characters of "=?UTF-8?B??=" around at most 60 of base64 (45 bytes) stays under 75.
        // The first word shares its line with the header's name, so it carries fewer bytes.
        var limit = max(9, (78 - firstLineUsed - 12) / 4 * 3)
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > limit {
                limit = 45
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A mailbox for From/To: `Name <address>` with the name quoted or encoded as needed, or the bare address.
    public static func mailbox(_ text: String) -> String {
        guard let open = text.lastIndex(of: "<") else { return text.trimmingCharacters(in: .whitespaces) }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let address = "<" + EmailAddress.bare(text) + ">"
        if name.isEmpty { return address }
        var unquoted = name
        if unquoted.count >= 2, unquoted.hasPrefix("\""), unquoted.hasSuffix("\"") { unquoted = String(unquoted.dropFirst().dropLast()) }
        if !unquoted.unicodeScalars.allSatisfy(\.isASCII) {
            return encodedWords(unquoted) + " " + address
        }
        let atext = unquoted.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || " !#$%&'*+-/=?^_`{|}~".unicodeScalars.contains($0)
        }
        if atext { return unquoted + " " + address }
        let escaped = unquoted.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"" + escaped + "\" " + address
    }

    /// Quoted-printable (RFC 2045 §6.7) of UTF-8 text: lines end in CRLF, none longer than 76 characters (soft
    /// breaks `=`), `=` and every non-ASCII byte as `=XX`, trailing white space and a leading `.` encoded too (so
    /// no line is taken for SMTP's end of data whatever the transport does).
    public static func quotedPrintable(_ text: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        let input = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 8 + 16)
        var column = 0
        var index = 0
        while index < input.count {
            let byte = input[index]
            // Line ends (LF, CRLF or a lone CR) become CRLF.
            if byte == 10 || byte == 13 {
                if byte == 13, index + 1 < input.count, input[index + 1] == 10 { index += 1 }
                output += [13, 10]
                column = 0
                index += 1
                continue
            }
            let atLineEnd = index + 1 == input.count || input[index + 1] == 10 || input[index + 1] == 13
            let literal = (byte >= 33 && byte <= 126 && byte != 61 && !(byte == 46 && column == 0))
                || ((byte == 32 || byte == 9) && !atLineEnd)
            let width = literal ? 1 : 3
            // Keep room for the soft break "=" within 76 columns.
            if column + width > 75 {
                output += [61, 13, 10]
                column = 0
                if byte == 46 {  // a "." that now starts a line
                    output += [61, 50, 69]
                    column = 3
                    index += 1
                    continue
                }
            }
            if literal {
                output.append(byte)
            } else {
                output += [61, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
            column += width
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// RFC 5322 date-time: "Sun, 06 Dec 2026 23:58:08 +0000".
    public static func date(_ date: Date) -> String {
        HTTPHeaderValues.formatHTTPDate(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)), zone: "+0000")
    }

    /// Text safe inside a Message-ID's left part or a List-Id label: letters, digits, `-` and `.` kept, anything
    /// else as `-` (an id from a store or a topic name must not break the header's syntax).
    public static func idLabel(_ text: String) -> String {
        let scalars = text.unicodeScalars.map { scalar -> Unicode.Scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "."
                ? scalar : "-"
        }
        let label = String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
        return label.isEmpty ? "x" : label
    }
}

/// Addresses as the configuration gives them (`Name <local@domain>` or `local@domain`).
public enum EmailAddress {
    public static func bare(_ mailbox: String) -> String { EmailSettings.envelopeAddress(mailbox) }

    /// The domain of the address, for Message-IDs and List-Id ("tidings.invalid" when there is none).
    public static func domain(_ mailbox: String) -> String {
        let address = bare(mailbox)
        guard let at = address.lastIndex(of: "@") else { return "tidings.invalid" }
        let domain = MIMEEncoding.idLabel(String(address[address.index(after: at)...]))
        return domain == "x" ? "tidings.invalid" : domain
    }
}
