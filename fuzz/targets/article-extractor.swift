// libFuzzer harness for the article extractor (Sources/Articles: libxml2's HTML parser, then Readability), built
// by fuzz/build.sh. Every page the daemon fetches for an on-topic story is arbitrary HTML from the web.
// Oracles beyond "does not crash" and "no memory error" (ASan): the size limit holds (a page over maxBytes is
// refused, never extracted) and the result always encodes as the JSON `tidings extract --json` prints.
import Foundation
@testable import Articles

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let limits = ExtractionLimits(maxBytes: 256 * 1024)
    do {
        let article = try ArticleExtractor.extract(html: bytes, url: "https://example.test/news/story.html",
                                                   limits: limits)
        if bytes.count > limits.maxBytes { fatalError("a page of \(bytes.count) bytes was extracted past maxBytes") }
        do {
            _ = try JSONEncoder().encode(article)
        } catch {
            fatalError("the extracted article does not encode as JSON: \(error)")
        }
    } catch {
        _ = error.description
    }
    return 0
}
