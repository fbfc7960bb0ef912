import Support

/// Values that are UTF-8 read as windows-1252 ("BrÃ¸ndby" for "Brøndby"), repaired field by field.
///
/// A document declared ISO-8859-1 or windows-1252 whose bytes are wholly valid UTF-8 is already read as UTF-8
/// (`CharsetDecoder`, feed precedence). Feeds assembled from several sources mix both: Latin-1 bytes in one field, UTF-8 in the
/// next, so the document as a whole is not valid UTF-8 and is read as declared. Each value is then checked on its
/// own: when its characters all have windows-1252 bytes and those bytes form valid UTF-8 with at least one
/// multi-byte sequence, the bytes say it was UTF-8 (real Latin-1 text practically never does: "Ã" followed by
/// a character from U+0080–U+00BF), and the value is read again as UTF-8. Each repair counts towards a warning.
enum MisreadUTF8 {
    /// The value read as UTF-8, or nil when it is not UTF-8 read as windows-1252.
    static func repaired(_ value: String) -> String? {
        // Every mis-read multi-byte sequence starts with a character U+00C2–U+00F4: no such character, nothing
        // to do (the common case, decided without allocating).
        guard value.unicodeScalars.contains(where: { $0.value >= 0xC2 && $0.value <= 0xF4 }) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            let v = scalar.value
            // The five bytes windows-1252 leaves undefined come through as their C1 code points.
            if v < 0x80 || (v >= 0xA0 && v <= 0xFF) || (v >= 0x80 && v < 0xA0 && Windows1252.high[Int(v - 0x80)] == 0) {
                bytes.append(UInt8(v))
            } else if let byte = windows1252Byte[v] {
                bytes.append(byte)
            } else {
                return nil
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// windows-1252's 0x80–0x9F characters back to their bytes.
    private static let windows1252Byte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (offset, scalar) in Windows1252.high.enumerated() where scalar != 0 { map[scalar] = UInt8(0x80 + offset) }
        return map
    }()
}

extension ParsedFeed {
    /// Applies `MisreadUTF8` to every text value of a feed read as windows-1252 (ISO-8859-1 and US-ASCII are
    /// read that way too), with one warning giving the count.
    mutating func repairUTF8MisreadAsLatin1() {
        guard encoding == "windows-1252" else { return }
        var count = 0
        func fix(_ value: inout String?) {
            if let text = value, let repaired = MisreadUTF8.repaired(text) {
                value = repaired
                count += 1
            }
        }
        func fix(_ values: inout [String]) {
            for index in values.indices {
                if let repaired = MisreadUTF8.repaired(values[index]) {
                    values[index] = repaired
                    count += 1
                }
            }
        }
        fix(&title)
        fix(&authors)
        for index in entries.indices {
            fix(&entries[index].title)
            fix(&entries[index].summary)
            fix(&entries[index].content)
            fix(&entries[index].summaryHTML)
            fix(&entries[index].contentHTML)
            fix(&entries[index].authors)
            fix(&entries[index].categories)
        }
        if count > 0 {
            warnings.append("read \(count) value(s) again as UTF-8: their bytes are UTF-8, not the declared windows-1252")
        }
    }
}
