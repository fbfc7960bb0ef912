import Foundation
import CLibXML2
import CShims

/// Maps a libxml2 tree of an RSS 0.9x/1.0/2.0 or Atom 0.3/1.0 document to a `ParsedFeed`.
///
/// Elements are recognised by namespace URI and local name, whatever the container format, because feeds mix
/// them freely (atom:link in RSS, dc:* everywhere). Only direct children of the channel/feed and of each
/// item/entry count, so an `<image><title>` never becomes a title.
struct FeedTreeReader {
    private var namespaces: [UnsafeRawPointer: FeedNamespace] = [:]
    private var text: TextReader
    private let hasSourceURL: Bool
    private var isAtomDocument = false
    private var isAtom03 = false

    init(entityBudget: Int, keepParagraphBreaks: Bool, hasSourceURL: Bool) {
        text = TextReader(collector: XMLTextCollector(budget: entityBudget), keepParagraphBreaks: keepParagraphBreaks)
        self.hasSourceURL = hasSourceURL
    }

    var entityBudgetExceeded: Bool { text.collector.exceeded }

    // Streaming: entries read (and their subtrees freed) while libxml2 is still parsing; see `elementEnded`.
    private var rootConfigured = false
    private var rootName = ""
    private var streamedFromRoot: [FeedEntry] = []
    private var streamedFromChannel: [FeedEntry] = []
    private var firstChannel: xmlNodePtr? = nil
    /// Marks (in `_private`) an entry element whose children were read and freed during the parse.
    static var streamedMarker: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: 0x7464_6E67)! }

    /// What the root element alone decides (the parse calls this as soon as an entry ends; `read` calls it too).
    private mutating func configure(root rootNode: xmlNodePtr) throws(FeedParseError) {
        guard !rootConfigured else { return }
        let root = XMLElement(node: rootNode)
        rootName = root.localName.lowercased()
        var rootNamespace = root.namespace(&namespaces)
        if rootNamespace == .other, let ns = rootNode.pointee.ns {
            // A feed in a namespace we do not know (drafts, "necho"): its own elements are the core ones.
            rootNamespace = rootName == "feed" ? .atom03 : .rssOther
            namespaces[UnsafeRawPointer(ns)] = rootNamespace
        }
        switch rootName {
        case "rss", "rdf", "channel": break
        case "feed":
            isAtomDocument = true
            let version = root.attribute("version")
            isAtom03 = rootNamespace == .atom03 || version == "0.3" || version == "0.2" || version == "0.1"
        default:
            throw FeedParseError(.notAFeed, "root element <\(root.localName)> is not rss, RDF or feed")
        }
        rootConfigured = true
    }

    /// Called by the parse for every element that has just ended. When it is an entry the final read would take
    /// (same parent rule, same name and namespace test), reads it now and returns true: the caller may then free
    /// its children. Entries read this way keep their document order (see `read`).
    mutating func elementEnded(_ node: xmlNodePtr) -> Bool {
        guard !text.collector.exceeded, node.pointee.type == XML_ELEMENT_NODE, let parent = node.pointee.parent,
              parent.pointee.type == XML_ELEMENT_NODE, let document = node.pointee.doc,
              let rootNode = xmlDocGetRootElement(document) else { return false }
        if !rootConfigured {
            do { try configure(root: rootNode) } catch { return false }
        }
        let fromRoot = parent == rootNode
        guard fromRoot || ((rootName == "rss" || rootName == "rdf") && parent.pointee.parent == rootNode
                           && parent == firstChannelChild(of: rootNode)) else { return false }
        let element = XMLElement(node: node)
        guard element.localName == (isAtomDocument ? "entry" : "item") else { return false }
        let namespace = element.namespace(&namespaces)
        guard namespace.isCore || namespace == .other else { return false }
        let entry = readEntry(element)
        if fromRoot { streamedFromRoot.append(entry) } else { streamedFromChannel.append(entry) }
        // Namespaces declared on the children go with them: forget their cached kinds (addresses get reused).
        var child = node.pointee.children
        while let current = child {
            // Only elements have nsDef (XML_PARSE_COMPACT keeps short text in that memory).
            var declared = current.pointee.type == XML_ELEMENT_NODE ? current.pointee.nsDef : nil
            while let ns = declared {
                namespaces[UnsafeRawPointer(ns)] = nil
                declared = ns.pointee.next
            }
            child = current.pointee.next
        }
        node.pointee._private = Self.streamedMarker
        return true
    }

    /// The first `channel` child of the root (the only one whose items count); once found it never changes.
    private mutating func firstChannelChild(of rootNode: xmlNodePtr) -> xmlNodePtr? {
        if let firstChannel { return firstChannel }
        firstChannel = XMLElement(node: rootNode).children.first { $0.localName == "channel" }?.node
        return firstChannel
    }

    mutating func read(document: xmlDocPtr) throws(FeedParseError) -> ParsedFeed {
        guard let documentRoot = xmlDocGetRootElement(document) else {
            throw FeedParseError(.notAFeed, "no root element")
        }
        let rootNode = Self.feedInsidePage(documentRoot) ?? documentRoot
        let root = XMLElement(node: rootNode)
        try configure(root: rootNode)
        let rootNamespace = root.namespace(&namespaces)
        var feed = ParsedFeed(format: .rss)
        var channel: XMLElement? = nil
        var itemParents: [XMLElement] = []

        switch rootName {
        case "rss":
            feed.format = Self.rssFormat(version: root.attribute("version"))
            channel = root.children.first { $0.localName == "channel" }
            itemParents = [root] + (channel.map { [$0] } ?? [])
        case "rdf":
            channel = root.children.first { $0.localName == "channel" }
            let channelNamespace = channel.map { $0.namespace(&namespaces) }
            feed.format = channelNamespace == .rss090 || rootHasNamespace(rootNode, "http://my.netscape.com/rdf/simple/0.9/")
                ? .rss090 : .rss10
            itemParents = [root] + (channel.map { [$0] } ?? [])
        case "feed":
            if isAtom03 {
                feed.format = .atom03
            } else if rootNamespace == .atom10 {
                feed.format = .atom10
            } else {
                feed.format = .atom
            }
            channel = root
            itemParents = [root]
        default:
            feed.format = .rss
            channel = root
            itemParents = [root]
        }

        if isAtomDocument, let language = root.attribute("lang", namespace: "http://www.w3.org/XML/1998/namespace") {
            feed.language = language.replacingOccurrences(of: "_", with: "-")
        }
        if let channel { readChannel(channel, into: &feed) }
        let entryName = isAtomDocument ? "entry" : "item"
        for parent in itemParents {
            // Entries read during the parse come first: an entry still in the tree never ended (the document
            // stopped inside it), so it follows every streamed one of the same parent.
            feed.entries += parent.node == rootNode ? streamedFromRoot : streamedFromChannel
            for child in parent.children where child.localName == entryName {
                if child.node.pointee._private == Self.streamedMarker { continue }
                let namespace = child.namespace(&namespaces)
                guard namespace.isCore || namespace == .other else { continue }
                feed.entries.append(readEntry(child))
                if text.collector.exceeded { break }
            }
        }
        return feed
    }

    /// A feed saved inside an (X)HTML page (`<html><body><feed>…`, a browser's "save page"): the first `feed`,
    /// `rss` or `RDF` element within a few levels of an `html` root is the document's feed, as feedparser finds it.
    /// Any other root stays the root (and is refused as not a feed).
    static func feedInsidePage(_ root: xmlNodePtr, depth: Int = 0) -> xmlNodePtr? {
        if depth == 0 && XMLElement(node: root).localName.lowercased() != "html" { return nil }
        guard depth < 6 else { return nil }
        for child in XMLElement(node: root).children {
            switch child.localName {
            case "feed", "rss", "RDF": return child.node
            default: if let found = feedInsidePage(child.node, depth: depth + 1) { return found }
            }
        }
        return nil
    }

    private func rootHasNamespace(_ node: xmlNodePtr, _ href: String) -> Bool {
        var ns = node.pointee.nsDef
        while let current = ns {
            if let value = current.pointee.href, String(cString: value) == href { return true }
            ns = current.pointee.next
        }
        return false
    }

    static func rssFormat(version: String?) -> FeedFormat {
        switch version?.trimmedASCII {
        case "0.90": return .rss090
        case "0.91": return .rss091
        case "0.92": return .rss092
        case "0.93": return .rss093
        case "0.94": return .rss094
        case let value? where value.hasPrefix("2."): return .rss20
        case "1.0": return .rss10
        default: return .rss
        }
    }

    private var titleRule: TextRule { isAtomDocument ? .atom(version03: isAtom03) : .guessHTML }

    private func atomRule(_ namespace: FeedNamespace) -> TextRule {
        .atom(version03: namespace == .atom03 || (namespace != .atom10 && isAtom03))
    }

    /// A channel's or an item's title: Atom text constructs by their type, `dc:title` guessed, RSS by the document.
    private mutating func readTitle(_ element: XMLElement, namespace: FeedNamespace) -> String? {
        let rule: TextRule = namespace.isAtom ? atomRule(namespace) : (namespace == .dc ? .guessHTML : titleRule)
        return text.read(element, rule: rule).plain
    }

    // MARK: channel / feed

    /// A child element's namespace and local name: what the channel's and the entries' readers switch on.
    private mutating func tag(_ element: XMLElement) -> (FeedNamespace, String) {
        (element.namespace(&namespaces), element.localName)
    }

    private mutating func readChannel(_ channel: XMLElement, into feed: inout ParsedFeed) {
        var sawTitle = false
        for child in channel.children {
            let (namespace, name) = tag(child)
            let core = namespace.isCore
            switch (namespace, name) {
            case (_, "title") where core || namespace == .dc:
                guard !sawTitle || namespace == .dc && feed.title == nil else { continue }
                feed.title = readTitle(child, namespace: namespace)
                sawTitle = true
            case (_, "link") where core:
                if let link = linkValue(child, namespace: namespace), link.isAlternate { feed.link = link.href }
            case (_, "author") where namespace.isAtom || (isAtomDocument && namespace == .none):
                if let author = atomPerson(child), !feed.authors.contains(author) { feed.authors.append(author) }
            case (_, "managingEditor") where namespace.isRSSCore, (.dc, "creator"), (.itunes, "author"):
                if let author = rssPerson(child), !feed.authors.contains(author) { feed.authors.append(author) }
            case (_, "language") where namespace.isRSSCore || namespace == .dc:
                if let value = text.read(child, rule: .plain).plain { feed.language = value }
            case (_, "lastBuildDate") where namespace.isRSSCore,
                 (_, "updated") where namespace.isAtom || namespace.isRSSCore,
                 (_, "modified") where namespace.isAtom || namespace == .dcterms,
                 (.dc, "date"):
                if let value = text.read(child, rule: .plain).plain, let date = FeedDate.parse(value) {
                    feed.updated = date
                }
            case (_, "ttl") where namespace.isRSSCore:
                if let value = text.read(child, rule: .plain).plain, let minutes = Int(value), minutes > 0,
                   minutes <= 525_600 * 10 {
                    feed.hints.ttlSeconds = minutes * 60
                }
            case (.sy, "updatePeriod"):
                let period = text.read(child, rule: .plain).plain?.lowercased()
                let seconds: Int? = switch period {
                case "hourly": 3600
                case "daily": 86400
                case "weekly": 604800
                case "monthly": 2_592_000
                case "yearly": 31_536_000
                default: nil
                }
                if let seconds {
                    syPeriod = seconds
                    feed.hints.updateIntervalSeconds = seconds / (syFrequency ?? 1)
                }
            case (.sy, "updateFrequency"):
                if let value = text.read(child, rule: .plain).plain, let frequency = Int(value), frequency > 0 {
                    syFrequency = frequency
                    feed.hints.updateIntervalSeconds = (syPeriod ?? 86400) / frequency
                }
            case (_, "skipHours") where namespace.isRSSCore:
                for hour in child.children where hour.localName == "hour" {
                    if let value = text.read(hour, rule: .plain).plain, let number = Int(value) {
                        feed.hints.skipHours.append(number)
                    }
                }
            default:
                continue
            }
        }
    }

    private var syPeriod: Int?
    private var syFrequency: Int?

    // MARK: entries

    private struct LinkValue {
        var href: String
        var rel: String
        var type: String?
        var length: Int?
        var isAlternate: Bool
    }

    /// An RSS `<link>` (text) or an Atom `<link href rel type>`.
    private mutating func linkValue(_ element: XMLElement, namespace: FeedNamespace) -> LinkValue? {
        if let href = element.attribute("href") ?? (namespace.isAtom ? element.attribute("url") ?? element.attribute("uri") : nil) {
            let rel = (element.attribute("rel") ?? "alternate").trimmedASCII.lowercased()
            let type = element.attribute("type")?.trimmedASCII
            let effectiveType = (type ?? (rel == "self" ? "application/atom+xml" : "text/html")).lowercased()
            let isHTMLType = effectiveType == "text/html" || effectiveType == "application/xhtml+xml"
            let length = element.attribute("length").flatMap { Int($0.trimmedASCII) }
            return LinkValue(href: resolve(href.trimmedASCII, element),
                             rel: rel, type: type, length: length, isAlternate: rel == "alternate" && isHTMLType)
        }
        guard let value = text.read(element, rule: .plain).plain else { return nil }
        return LinkValue(href: resolve(value, element), rel: "alternate", type: nil, length: nil, isAlternate: true)
    }

    /// Relative references are resolved only against xml:base or a known document URL: a bare file has none.
    private func resolve(_ reference: String, _ element: XMLElement) -> String {
        // A reference that starts with a scheme is returned as it is by xmlBuildURI (or refused, and then kept as
        // it is here): skip looking up the base and converting both strings for C, once per link of every item.
        guard !reference.isEmpty, !Self.startsWithScheme(reference) else { return reference }
        guard hasSourceURL || element.hasXMLBase, let base = element.baseURI else { return reference }
        guard let built = xmlBuildURI(reference, base) else { return reference }
        defer { tidings_xml_free(built) }
        return String(cString: built)
    }

    private mutating func readEntry(_ item: XMLElement) -> FeedEntry {
        var entry = FeedEntry()
        var guid: String? = nil
        var guidIsPermaLink = false
        var atomID: String? = nil
        var sawTitle = false
        var sawSummary = false
        var sawContent = false
        var linkFromRSS: String? = nil
        var linkFromAtom: String? = nil
        var authors: [String] = []
        var mediaEnclosures: [FeedEnclosure] = []
        var mediaTitle: String? = nil

        for child in item.children {
            let (namespace, name) = tag(child)
            let core = namespace.isCore
            switch (namespace, name) {
            case (_, "title") where core || namespace == .dc:
                if sawTitle && namespace == .dc { continue }
                entry.title = readTitle(child, namespace: namespace)
                sawTitle = true
            case (_, "link") where core:
                guard let link = linkValue(child, namespace: namespace) else { continue }
                if link.rel == "enclosure" {
                    entry.enclosures.append(FeedEnclosure(url: link.href, type: link.type, length: link.length))
                } else if link.isAlternate {
                    if child.attribute("href") != nil { linkFromAtom = link.href } else { linkFromRSS = link.href }
                }
            case (_, "guid") where namespace.isRSSCore:
                guid = text.read(child, rule: .plain).plain
                guidIsPermaLink = child.attribute("isPermaLink")?.lowercased() != "false"
            case (_, "id") where namespace.isAtom || (isAtomDocument && namespace == .none):
                atomID = text.read(child, rule: .plain).plain
            case (.dc, "identifier"):
                if atomID == nil && guid == nil { atomID = text.read(child, rule: .plain).plain }
            case (_, "description") where namespace.isRSSCore, (.dc, "description"),
                 (_, "summary") where namespace.isAtom || (isAtomDocument && namespace == .none):
                // An RSS item keeps its first description; an Atom entry's later summary replaces the earlier one.
                guard !sawSummary || name == "summary" else { continue }
                let value = text.read(child, rule: name == "summary" ? atomRule(namespace) : .html)
                (entry.summary, entry.summaryHTML) = (value.plain, value.html)
                sawSummary = true
            case (.content, "encoded"),
                 (_, "fullitem") where namespace.isRSSCore,
                 (_, "content") where namespace.isAtom || (isAtomDocument && namespace == .none):
                guard !sawContent else { continue }
                let value = text.read(child, rule: name == "content" ? atomRule(namespace) : .html)
                (entry.content, entry.contentHTML) = (value.plain, value.html)
                sawContent = true
            case (.xhtml, "body"):
                guard !sawContent else { continue }
                let markup = XMLMarkup.innerXML(of: child.node)
                entry.content = text.html.plainText(fromHTML: markup, keepParagraphBreaks: text.keepParagraphBreaks)
                entry.contentHTML = markup
                sawContent = true
            case (_, "pubDate") where namespace.isRSSCore,
                 (_, "published") where namespace.isAtom || isAtomDocument && namespace == .none,
                 (_, "issued") where namespace.isAtom || namespace == .dcterms:
                entry.published = text.read(child, rule: .plain).plain.flatMap(FeedDate.parse)
            case (_, "updated") where namespace.isAtom || namespace.isRSSCore,
                 (_, "modified") where namespace.isAtom || namespace == .dcterms,
                 (.dc, "date"):
                entry.updated = text.read(child, rule: .plain).plain.flatMap(FeedDate.parse)
            case (_, "author") where namespace.isAtom || (isAtomDocument && namespace == .none):
                if let author = atomPerson(child) { authors.append(author) }
            case (_, "author") where namespace.isRSSCore, (.dc, "creator"), (.dc, "author"), (.itunes, "author"):
                if let author = rssPerson(child), !authors.contains(author) { authors.append(author) }
            case (_, "category") where namespace.isRSSCore:
                let term = child.hasElementChildren ? text.directText(child) : (text.read(child, rule: .plain).plain ?? "")
                if !term.isEmpty { entry.categories.append(term) }
            case (_, "category") where namespace.isAtom:
                if let term = (child.attribute("term") ?? child.attribute("label"))?
                    .trimmedASCII, !term.isEmpty {
                    entry.categories.append(term)
                }
            case (.dc, "subject"):
                if let term = text.read(child, rule: .plain).plain { entry.categories.append(term) }
            case (_, "enclosure") where namespace.isRSSCore:
                if let url = child.attribute("url") ?? child.attribute("href"), !url.isEmpty {
                    let length = child.attribute("length").flatMap { Int($0.trimmedASCII) }
                    entry.enclosures.append(FeedEnclosure(url: resolve(url, child), type: child.attribute("type"),
                                                          length: length))
                }
            case (.media, "title"):
                // Only when the entry has no title of its own (feedparser's fallback; video feeds use it).
                if mediaTitle == nil { mediaTitle = text.read(child, rule: .plain).plain }
            case (.media, "content"):
                if let enclosure = mediaEnclosure(child) { mediaEnclosures.append(enclosure) }
            case (.media, "group"):
                for media in child.children where media.localName == "content" {
                    if let enclosure = mediaEnclosure(media) { mediaEnclosures.append(enclosure) }
                }
            default:
                continue
            }
        }

        entry.authors = authors
        if !sawTitle, let title = mediaTitle ?? firstMediaTitle(in: item) { entry.title = title }
        if let atomID { entry.id = atomID } else if let guid { entry.id = guid }
        if entry.id == nil, let about = item.attribute("about", namespace: "http://www.w3.org/1999/02/22-rdf-syntax-ns#") {
            entry.id = about
        }
        entry.link = linkFromAtom ?? linkFromRSS
        if entry.link == nil, let guid, guidIsPermaLink, Self.looksLikeURL(guid) {
            entry.link = guid
        }
        for enclosure in mediaEnclosures where !entry.enclosures.contains(where: { $0.url == enclosure.url }) {
            entry.enclosures.append(enclosure)
        }
        return entry
    }

    /// The first `media:title` of an entry, its own or inside `media:group` / `media:content` (looked for only
    /// when the entry has no title: most entries never pay for it).
    private mutating func firstMediaTitle(in element: XMLElement, depth: Int = 0) -> String? {
        for child in element.children where child.namespace(&namespaces) == .media {
            if child.localName == "title" { return text.read(child, rule: .plain).plain }
            if depth < 2, child.localName == "content" || child.localName == "group",
               let title = firstMediaTitle(in: child, depth: depth + 1) {
                return title
            }
        }
        return nil
    }

    private mutating func mediaEnclosure(_ element: XMLElement) -> FeedEnclosure? {
        guard let url = element.attribute("url"), !url.isEmpty else { return nil }
        let length = element.attribute("fileSize").flatMap { Int($0.trimmedASCII) }
        return FeedEnclosure(url: resolve(url, element), type: element.attribute("type"), length: length)
    }

    /// An RSS-style person: `jo@x (Jo)` text, or, when the element has children (`<name>`, `<title>`, …), the
    /// name (else the e-mail) child as in Atom, never all their text run together.
    private mutating func rssPerson(_ element: XMLElement) -> String? {
        if element.hasElementChildren {
            if let person = atomPerson(element) { return person }
            let direct = text.directText(element)
            if !direct.isEmpty { return Self.personName(fromRSS: direct) }
        }
        return text.read(element, rule: .plain).plain.flatMap(Self.personName(fromRSS:))
    }

    private mutating func atomPerson(_ element: XMLElement) -> String? {
        var name: String? = nil
        var email: String? = nil
        for child in element.children {
            switch child.localName {
            case "name": name = text.read(child, rule: .plain).plain
            case "email": email = text.read(child, rule: .plain).plain
            default: continue
            }
        }
        if name == nil && email == nil && !element.hasElementChildren {
            return text.read(element, rule: .plain).plain.flatMap(Self.personName(fromRSS:))
        }
        return name ?? email
    }
}
