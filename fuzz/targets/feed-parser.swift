// libFuzzer harness for the feed parser (built by fuzz/build.sh against the Feeds module, outside Package.swift).
// Every input goes through the whole parser, the HTML-to-text converter, the date parser and the OPML reader.
// Two oracles beyond "does not crash": the fast HTML-to-text path must agree with libxml2's HTML parser, and
// parsing with text lifting (TextLift) and entries read during the parse must give the same feed, or the same
// error, as parsing the whole tree without lifting.
import Foundation
@testable import Feeds

nonisolated(unsafe) private let fastConverter = HTMLTextConverter()
nonisolated(unsafe) private let referenceConverter = HTMLTextConverter(forceLibXML2: true)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let options = FeedParseOptions(maxBytes: 1 << 20)
    let lifted = Result { () throws(FeedParseError) in try FeedParser.parse(bytes, options: options, liftText: true) }
    let plain = Result { () throws(FeedParseError) in
        try FeedParser.parse(bytes, options: options, liftText: false, streamEntries: false)
    }
    if lifted != plain {
        fatalError("text lifting changes the parse of \(String(decoding: bytes.prefix(2000), as: UTF8.self).debugDescription): \(lifted) vs \(plain)")
    }
    if case .success(let feed) = lifted {
        _ = feed.schemaJSON()
    }
    let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
    for keep in [false, true] {
        let fast = fastConverter.plainText(fromHTML: text, keepParagraphBreaks: keep)
        let reference = referenceConverter.plainText(fromHTML: text, keepParagraphBreaks: keep)
        if fast != reference {
            fatalError("HTML fast path disagrees with libxml2 for \(text.debugDescription): \(fast.debugDescription) vs \(reference.debugDescription)")
        }
    }
    _ = FeedDate.parse(String(decoding: bytes.prefix(120), as: UTF8.self))
    _ = try? OPMLReader.feeds(from: bytes)
    return 0
}
