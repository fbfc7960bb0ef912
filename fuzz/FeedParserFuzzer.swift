// libFuzzer harness for the feed parser (built by fuzz/build.sh, outside Package.swift).
// Every input goes through the whole parser, the HTML-to-text converter, the date parser and the OPML reader.
// One oracle beyond "does not crash": the fast HTML-to-text path must agree with libxml2's HTML parser.
import Foundation

nonisolated(unsafe) private let fastConverter = HTMLTextConverter()
nonisolated(unsafe) private let referenceConverter = HTMLTextConverter(forceLibXML2: true)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let feed = try? FeedParser.parse(bytes, options: FeedParseOptions(maxBytes: 1 << 20)) {
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
