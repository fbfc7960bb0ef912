import Foundation
import Support

/// The main text and metadata of one web page.
public struct ExtractedArticle: Sendable, Codable, Equatable {
    public var title: String?
    public var byline: String?
    /// ISO-8601 as the page states it (its own UTC offset kept), or nil.
    public var published: String?
    public var canonicalURL: String?
    /// Plain text, paragraphs separated by one blank line; "" when no article was found.
    public var text: String
    public var paragraphs: Int
    /// The encoding the page was read as, and why (http, bom, utf-8, declared, fallback).
    public var charset: String
    public var charsetSource: CharsetDecoder.Source
    /// Things worth knowing that did not stop extraction (flattened nesting, replaced bytes, ...).
    public var warnings: [String]

    public init(title: String?, byline: String?, published: String?, canonicalURL: String?, text: String,
                paragraphs: Int, charset: String, charsetSource: CharsetDecoder.Source, warnings: [String]) {
        self.title = title
        self.byline = byline
        self.published = published
        self.canonicalURL = canonicalURL
        self.text = text
        self.paragraphs = paragraphs
        self.charset = charset
        self.charsetSource = charsetSource
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case title, byline, published, canonicalURL = "canonical_url", text, paragraphs, charset
        case charsetSource = "charset_source", warnings
    }

    /// Absent metadata is written as JSON `null`, not left out: consumers see every key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(title, forKey: .title)
        try container.encode(byline, forKey: .byline)
        try container.encode(published, forKey: .published)
        try container.encode(canonicalURL, forKey: .canonicalURL)
        try container.encode(text, forKey: .text)
        try container.encode(paragraphs, forKey: .paragraphs)
        try container.encode(charset, forKey: .charset)
        try container.encode(charsetSource, forKey: .charsetSource)
        try container.encode(warnings, forKey: .warnings)
    }
}

/// Bounds for hostile pages: every extraction finishes in bounded time and memory or fails clearly.
public struct ExtractionLimits: Sendable {
    /// Pages larger than this are refused before parsing.
    public var maxBytes: Int
    /// Elements nested deeper are hoisted into their ancestor at this depth (their text is kept).
    public var maxDepth: Int
    /// DOM nodes kept; the rest of a larger page is ignored (with a warning).
    public var maxNodes: Int
    /// Wall-clock allowance for one extraction.
    public var timeBudget: Duration

    public init(maxBytes: Int = 5 * 1024 * 1024, maxDepth: Int = 256, maxNodes: Int = 100_000,
                timeBudget: Duration = .seconds(5)) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.timeBudget = timeBudget
    }
}

public enum ExtractionError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge(bytes: Int, limit: Int)
    case unparseable(reason: String)
    case timeBudgetExceeded(seconds: Double)

    public var description: String {
        switch self {
        case let .tooLarge(bytes, limit):
            return "page is \(bytes) bytes, over the \(limit)-byte limit"
        case let .unparseable(reason):
            return "page could not be parsed as HTML: \(reason)"
        case let .timeBudgetExceeded(seconds):
            return "extraction took longer than its \(seconds) s budget"
        }
    }
}

public enum ArticleExtractor {
    /// Extracts the main article of `html`.
    /// - Parameters:
    ///   - url: the page's address (base for the canonical URL); never fetched.
    ///   - contentTypeCharset: the `charset` parameter of an HTTP `Content-Type`, which outranks the page.
    public static func extract(html: [UInt8], url: String?, contentTypeCharset: String? = nil,
                               limits: ExtractionLimits = .init()) throws(ExtractionError) -> ExtractedArticle {
        guard html.count <= limits.maxBytes else {
            throw ExtractionError.tooLarge(bytes: html.count, limit: limits.maxBytes)
        }
        let budget = TimeBudget(limits.timeBudget)
        let decoded = CharsetDecoder.decode(html, transportCharset: contentTypeCharset, precedence: .page)
        var warnings = decoded.warnings

        let built = try TreeBuilder(maxDepth: limits.maxDepth, maxNodes: limits.maxNodes)
            .build(utf8: decoded.utf8, baseURL: url)
        warnings += built.warnings
        try budget.check()

        let metadata = MetadataReader.read(document: built.document, jsonLD: built.jsonLD, pageURL: url)
        // After the metadata (a byline or date the page hides is still metadata), before any scoring.
        StyleSheetHiding.removeHidden(in: built.document, sheets: built.styleSheets)
        let pageAddresses = [url, metadata.canonicalURL].compactMap { $0 }
        PermalinkPost.markOtherPosts(in: built.document, pageAddresses: pageAddresses)
        DocumentPrep.prepare(built.document)
        try budget.check()

        var state = GrabState(articleTitle: metadata.title ?? "", metadataHasByline: metadata.byline != nil, pageByline: nil)
        var text = try ReadabilityRunner.run(prepared: built.document, state: &state, budget: budget,
                                             author: metadata.byline)

        // Readability found less than an article (script-rendered or paywalled pages often do), but the page
        // states a longer body in its schema.org data: trust that.
        if text.utf16.count < ReadabilityRunner.characterThreshold, let body = metadata.jsonLDBody {
            let structured = TextRenderer.tidy(body.replacingOccurrences(of: "\r\n", with: "\n"))
            if structured.utf16.count > text.utf16.count {
                text = structured
                warnings.append("article text taken from JSON-LD articleBody")
            }
        }

        let byline = metadata.byline ?? state.pageByline
        return ExtractedArticle(
            title: metadata.title.flatMap { JSText.isBlank($0) ? nil : $0 },
            byline: byline.flatMap { JSText.isBlank($0) ? nil : $0 },
            published: metadata.published.flatMap(DateNormalizer.iso8601),
            canonicalURL: metadata.canonicalURL,
            text: text,
            paragraphs: TextRenderer.paragraphCount(text),
            charset: decoded.charset,
            charsetSource: decoded.source,
            warnings: warnings)
    }
}

/// Readability's outer loop: when an attempt yields under 500 characters, retry on a fresh copy of the
/// page with one heuristic switched off (unlikely-stripping, then class weights, then conditional
/// cleaning), and finally keep the longest attempt.
enum ReadabilityRunner {
    static let characterThreshold = 500
    /// `TIDINGS_ARTICLES_DEBUG=1` traces each attempt on stderr (for tuning, never in production logs).
    static let debugEnabled = ProcessInfo.processInfo.environment["TIDINGS_ARTICLES_DEBUG"] == "1"

    static func run(prepared: Document, state: inout GrabState, budget: TimeBudget,
                    author: String? = nil) throws(ExtractionError) -> String {
        var flags = ReadabilityFlags.all
        // The longest failed attempt so far, kept (with the document owning its nodes) as the fallback.
        var best: (document: Document, content: Node, length: Int)?
        let pristine = prepared.deepCopy()
        var document = prepared
        while true {
            try budget.check()
            let grabber = ContentGrabber(document: document, flags: flags, budget: budget)
            guard let content = try grabber.grab(state: &state) else { return "" }
            let length = JSText.normalizedLength(of: content)
            if debugEnabled {
                FileHandle.standardError.write(Data("attempt flags=\(flags.rawValue) length=\(length) top=\(content.children.map { "\($0.tag).\($0.className)#\($0.id) score=\($0.contentScore ?? -1)" })\n".utf8))
            }
            if length >= characterThreshold {
                return refinedText(content, author: author ?? state.pageByline)
            }
            if length > (best?.length ?? -1) { best = (document, content, length) }
            if flags.contains(.stripUnlikelys) {
                flags.remove(.stripUnlikelys)
            } else if flags.contains(.weightClasses) {
                flags.remove(.weightClasses)
            } else if flags.contains(.cleanConditionally) {
                flags.remove(.cleanConditionally)
            } else {
                guard let best, best.length > 0 else { return "" }
                let author = author ?? state.pageByline
                return withExtendedLifetime(best.document) { refinedText(best.content, author: author) }
            }
            document = pristine.deepCopy()
        }
    }

    /// The rules beyond Readability run on the attempt Readability settled on, so its retry decisions
    /// (by length) stay exactly upstream's.
    private static func refinedText(_ content: Node, author: String?) -> String {
        let otherPosts = PermalinkPost.removeOtherPosts(from: content)
        if debugEnabled && otherPosts > 0 {
            FileHandle.standardError.write(Data("refined: kept the page's own post, removed \(otherPosts) others\n".utf8))
        }
        let removed = ArticleRefiner.refine(content, author: author)
        if debugEnabled {
            for (rule, text) in removed {
                FileHandle.standardError.write(Data("refined \(rule): \(text.prefix(100))\n".utf8))
            }
        }
        return TextRenderer.render(content)
    }
}
