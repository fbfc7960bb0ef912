import Articles
import Feeds
import Foundation

/// The text of one story page, or why the feed's own text is used instead.
public struct ArticlePageText: Sendable, Equatable {
    public var text: String?
    public var fallbackReason: String?
}

/// Fetches on-topic stories' pages through the daemon's fetcher (same concurrency, per-host limits, timeouts
/// and size caps as feeds) and extracts their main text.
public final class ArticlePages: Sendable {
    private let fetcher: Fetcher
    /// Extracted text shorter than this is not trusted over the feed's own text.
    public static let minimumText = 200

    public init(fetcher: Fetcher) { self.fetcher = fetcher }

    public func texts(for urls: [String]) async -> [String: ArticlePageText] {
        var results: [String: ArticlePageText] = [:]
        let unique = Array(Set(urls))
        let requests = unique.enumerated().map { FetchRequest(key: String($0.offset), url: $0.element) }
        for await result in fetcher.fetch(requests) {
            let url = result.request.url
            switch result.outcome {
            case .failed(let failure):
                results[url] = ArticlePageText(text: nil, fallbackReason: "fetch: \(failure)")
            case .notModified:
                results[url] = ArticlePageText(text: nil, fallbackReason: "fetch: unexpected 304")
            case .fetched(let body):
                let html = String(decoding: body.bytes, as: UTF8.self)
                results[url] = Self.extract(html: html, bytes: body.bytes, url: result.metadata.effectiveURL, charset: body.charset)
            }
        }
        return results
    }

    static func extract(html: String, bytes: [UInt8], url: String, charset: String?) -> ArticlePageText {
        do {
            let article = try ArticleExtractor.extract(html: bytes, url: url, contentTypeCharset: charset)
            let text = article.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count >= minimumText else {
                return ArticlePageText(text: nil, fallbackReason: "extraction: only \(text.count) characters of text")
            }
            return ArticlePageText(text: text, fallbackReason: nil)
        } catch {
            return ArticlePageText(text: nil, fallbackReason: "extraction: \(error)")
        }
    }
}
