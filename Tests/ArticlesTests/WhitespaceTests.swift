@testable import Articles
import Testing

/// The one UTF-8 whitespace test, in its two definitions: they must agree everywhere except the three places
/// where JavaScript and Python differ (checked against each language's rule, written out here scalar by scalar).
struct WhitespaceTests {
    static func width(_ scalar: Unicode.Scalar, _ definition: UTF8Whitespace.Definition) -> Int {
        let bytes = Array(String(scalar).utf8) + [0x41]
        return bytes.withUnsafeBufferPointer { UTF8Whitespace.width($0, 0, definition) }
    }

    @Test func bothDefinitionsFollowTheirLanguage() {
        let common: [UInt32] = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029,
                                0x202F, 0x205F, 0x3000]
        for value in common {
            let scalar = Unicode.Scalar(value)!
            #expect(Self.width(scalar, .javaScript) == scalar.utf8.count, "U+\(String(value, radix: 16))")
            #expect(Self.width(scalar, .python) == scalar.utf8.count, "U+\(String(value, radix: 16))")
        }
        for value: UInt32 in [0x1C, 0x1F, 0x85] {
            #expect(Self.width(Unicode.Scalar(value)!, .javaScript) == 0)
            #expect(Self.width(Unicode.Scalar(value)!, .python) > 0)
        }
        #expect(Self.width("\u{FEFF}", .javaScript) == 3 && Self.width("\u{FEFF}", .python) == 0)
        for scalar: Unicode.Scalar in ["A", "\u{200B}", "\u{180E}", "é", "\u{2030}", "\u{3001}"] {
            #expect(Self.width(scalar, .javaScript) == 0 && Self.width(scalar, .python) == 0)
        }
    }

    @Test func aCutCharacterIsNotWhitespace() {
        let cut: [UInt8] = [0xE2, 0x80]
        #expect(cut.withUnsafeBufferPointer { UTF8Whitespace.width($0, 0, .javaScript) } == 0)
    }
}
