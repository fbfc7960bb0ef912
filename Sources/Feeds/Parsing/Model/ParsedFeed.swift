import Foundation

/// How to parse one feed document.
public struct FeedParseOptions: Sendable {
    /// The charset parameter of the HTTP Content-Type, when the bytes came over HTTP.
    /// Precedence: byte-order mark > this hint > the XML declaration > UTF-8 (see docs/parsing.md).
    public var charsetHint: String?
    /// Where the document came from: used for stable ids and to resolve relative links.
    public var sourceURL: String?
    /// Documents larger than this are refused before any parsing (`FeedParseError.Kind.tooLarge`).
    public var maxBytes: Int
    /// Keep paragraph breaks as "\n\n" in the plain-text summary/content (the coverage engine wants them).
    public var keepParagraphBreaks: Bool

    public static let defaultMaxBytes = 10 * 1024 * 1024

    public init(charsetHint: String? = nil, sourceURL: String? = nil, maxBytes: Int = FeedParseOptions.defaultMaxBytes,
                keepParagraphBreaks: Bool = false) {
        self.charsetHint = charsetHint
        self.sourceURL = sourceURL
        self.maxBytes = maxBytes
        self.keepParagraphBreaks = keepParagraphBreaks
    }
}

public enum FeedFormat: String, Sendable, Codable {
    case rss090, rss091, rss092, rss093, rss094, rss10, rss20
    case atom03, atom10
    case json10, json11
    /// An RSS document whose version attribute is missing or unknown.
    case rss
    /// An Atom document with no recognised namespace.
    case atom
}

/// Polling hints a feed publishes about itself.
public struct FeedHints: Sendable, Equatable {
    /// RSS `<ttl>`, in seconds.
    public var ttlSeconds: Int?
    /// `sy:updatePeriod` / `sy:updateFrequency` combined: seconds between updates.
    public var updateIntervalSeconds: Int?
    /// RSS `<skipHours>` (0–23, as published).
    public var skipHours: [Int] = []
}

public struct FeedEnclosure: Sendable, Equatable, Codable {
    public var url: String
    public var type: String?
    public var length: Int?
}

public struct FeedEntry: Sendable, Equatable {
    /// The guid/id exactly as published (nil when the entry has none).
    public var id: String?
    /// guid/id, else link, else a hash of feed + title + date: the same entry keeps it across polls.
    public var stableID: String = ""
    public var title: String?
    public var link: String?
    public var published: Date?
    public var updated: Date?
    public var authors: [String] = []
    /// Plain text of the summary/description.
    public var summary: String?
    /// Plain text of the first full-content element.
    public var content: String?
    /// The original markup of the summary, when it was HTML or XHTML.
    public var summaryHTML: String?
    /// The original markup of the content, when it was HTML or XHTML.
    public var contentHTML: String?
    public var categories: [String] = []
    public var enclosures: [FeedEnclosure] = []
}

public struct ParsedFeed: Sendable, Equatable {
    public var format: FeedFormat
    public var title: String?
    public var link: String?
    public var language: String?
    /// The feed's own updated/lastBuildDate/dc:date (a channel pubDate is not this).
    public var updated: Date?
    /// The channel's or feed's own authors (Atom `author`, RSS `managingEditor`, `dc:creator`, `itunes:author`):
    /// what a consumer falls back to for an entry without authors. Entries do not inherit them here, as in
    /// feedparser.
    public var authors: [String] = []
    public var entries: [FeedEntry] = []
    /// Things that were wrong but recovered from (ill-formed XML, mis-declared encoding, …).
    public var warnings: [String] = []
    public var hints = FeedHints()
    /// The character encoding the bytes were read as.
    public var encoding = "utf-8"
}

public struct FeedParseError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Well-formed enough, but not RSS, Atom or JSON Feed.
        case notAFeed
        /// So broken that nothing could be recovered.
        case malformed
        /// Larger than `FeedParseOptions.maxBytes`.
        case tooLarge
        /// Entity expansion loop or blow-up (billion laughs).
        case entityLoop
        /// The bytes cannot be read in any encoding we tried.
        case encoding
        /// Empty input.
        case empty
        /// The input could not be read at all (missing file, permissions, I/O error).
        case unreadable
    }

    public var kind: Kind
    public var message: String
    public var line: Int?
    public var column: Int?

    public init(_ kind: Kind, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = message
        if let line {
            text += " (line \(line)"
            if let column { text += ", column \(column)" }
            text += ")"
        }
        return text
    }
}
