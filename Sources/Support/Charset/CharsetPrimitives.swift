#if canImport(Glibc)
import Glibc
#endif

/// One pass over UTF-8 bytes: validity, non-ASCII presence, and whether anything must be cleaned for XML
/// (forbidden C0 controls, C1 controls that are really windows-1252).
public struct UTF8Scan {
    public var isValid = true
    public var hasNonASCII = false
    public var needsCleaning = false
    public var multiByteSequences = 0

    public static func scan(_ bytes: [UInt8]) -> UTF8Scan {
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

    /// Length of the valid UTF-8 sequence starting at i, or 0 when it is not valid (no overlongs, no surrogates,
    /// nothing above U+10FFFF).
    @inlinable @inline(__always)
    public static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
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

    /// For XML: valid sequences kept, invalid bytes read as windows-1252, C1 controls mapped through
    /// windows-1252, C0 controls other than tab/newline/return dropped, U+FFFE/U+FFFF dropped.
    public static func repair(_ bytes: [UInt8]) -> [UInt8] {
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

    /// For HTML: each ill-formed sequence becomes U+FFFD (the standard library's maximal-subpart rule), the rest
    /// is kept as it is.
    static func replacingInvalid(_ bytes: [UInt8]) -> [UInt8] {
        Array(String(decoding: bytes, as: UTF8.self).utf8)
    }
}

/// windows-1252: Latin-1 except 0x80–0x9F, which hold typographic quotes, dashes, € and friends.
public enum Windows1252 {
    /// 0x80–0x9F; 0 marks the five undefined bytes (kept as the C1 code point by `scalar(of:)`).
    public static let high: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    @inlinable
    public static func scalar(of byte: UInt8) -> UInt32 {
        if byte >= 0x80 && byte < 0xA0 {
            let mapped = high[Int(byte - 0x80)]
            return mapped == 0 ? UInt32(byte) : mapped
        }
        return UInt32(byte)
    }

    /// The byte's character as UTF-8, unless XML forbids it (C0 controls other than tab/newline/return, and the
    /// five bytes windows-1252 leaves undefined: dropped rather than emitted as controls).
    @inlinable
    public static func appendUTF8(of byte: UInt8, to out: inout [UInt8]) {
        let value = scalar(of: byte)
        if value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D { return }
        if value >= 0x80 && value < 0xA0 { return }
        appendScalar(value, to: &out)
    }

    @inlinable @inline(__always)
    public static func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
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

    /// `forXML`: drop what XML forbids (`appendUTF8(of:to:)`); otherwise every byte becomes its character.
    public static func decode(_ bytes: ArraySlice<UInt8>, forXML: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 4)
        if forXML {
            for byte in bytes { appendUTF8(of: byte, to: &out) }
        } else {
            for byte in bytes { appendScalar(scalar(of: byte), to: &out) }
        }
        return out
    }
}

/// UTF-16 code units from bytes (a trailing odd byte ignored); unpaired surrogates become U+FFFD.
enum UTF16Bytes {
    static func decode(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            units.append(littleEndian ? first | second << 8 : first << 8 | second)
            index += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }
}

/// glibc iconv, for the legacy code pages and UTF-16/32.
public enum Iconv {
    public static func isKnown(_ encoding: String) -> Bool {
        let descriptor = iconv_open("UTF-8", encoding)
        if descriptor == iconv_t(bitPattern: -1) { return false }
        iconv_close(descriptor)
        return true
    }

    /// nil when the encoding is unknown. An invalid byte makes it nil too, unless `replacingInvalid`: then it is
    /// skipped, U+FFFD written in its place, and `replaced` set.
    public static func convert(_ input: ArraySlice<UInt8>, from encoding: String,
                               replacingInvalid: Bool = false) -> (bytes: [UInt8], replaced: Bool)? {
        let descriptor = iconv_open("UTF-8", encoding)
        if descriptor == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(descriptor) }
        var output = [UInt8](repeating: 0, count: max(input.count * 4 + 16, 64))
        var source = Array(input)
        var replaced = false
        let produced: Int? = source.withUnsafeMutableBytes { sourceBytes -> Int? in
            output.withUnsafeMutableBytes { outBytes -> Int? in
                var inPointer = sourceBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = sourceBytes.count
                var outPointer = outBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBytes.count
                while inLeft > 0 {
                    if iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) != -1 { break }
                    guard replacingInvalid else { return nil }
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
                return outBytes.count - outLeft
            }
        }
        guard let produced else { return nil }
        output.removeSubrange(produced...)
        return (output, replaced)
    }
}
