import Foundation
@testable import Feeds
import Support

/// Small helpers shared by the parser tests.
enum Parse {
    static func xml(_ text: String, options: FeedParseOptions = .init()) throws -> ParsedFeed {
        try FeedParser.parse(Array(text.utf8), options: options)
    }

    static func bytes(_ bytes: [UInt8], options: FeedParseOptions = .init()) throws -> ParsedFeed {
        try FeedParser.parse(bytes, options: options)
    }

    /// The error a document must fail with.
    static func failure(_ bytes: [UInt8], options: FeedParseOptions = .init()) -> FeedParseError? {
        do {
            _ = try FeedParser.parse(bytes, options: options)
            return nil
        } catch {
            return error
        }
    }

    static func iso(_ date: Date?) -> String? { date.map(FeedDate.isoString) }

    /// A minimal RSS 2.0 document around one item body.
    static func rssItem(_ body: String, channel: String = "") -> String {
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>T</title>\(channel)<item>\(body)</item></channel></rss>"
    }
}

extension String {
    /// The string encoded with an iconv encoding name (test fixtures in legacy encodings).
    func encoded(as encoding: String) -> [UInt8] {
        guard let bytes = Iconv.convertFromUTF8(Array(self.utf8), to: encoding) else {
            fatalError("cannot encode test fixture as \(encoding)")
        }
        return bytes
    }
}

extension Iconv {
    static func convertFromUTF8(_ input: [UInt8], to encoding: String) -> [UInt8]? {
        let descriptor = iconv_open(encoding, "UTF-8")
        if descriptor == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(descriptor) }
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var source = input
        let produced: Int? = source.withUnsafeMutableBytes { sourceBytes in
            output.withUnsafeMutableBytes { outBytes in
                var inPointer = sourceBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = sourceBytes.count
                var outPointer = outBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBytes.count
                if iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) == -1 { return nil }
                return outBytes.count - outLeft
            }
        }
        guard let produced else { return nil }
        return Array(output[..<produced])
    }
}
