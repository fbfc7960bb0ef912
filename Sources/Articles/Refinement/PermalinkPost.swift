import Foundation

/// A blog page that is one post's permalink often shows more posts below it (the template of the listing):
/// Readability takes the container of all of them, and a one-quote post comes out buried under the next
/// posts. When the chosen container holds two or more posts and exactly one of them links to the page's own
/// address (its permalink: heading, date or "#" link), that post is the story and the others go.
enum PermalinkPost {
    /// Class names that mark one post of a stream (microformats, WordPress).
    static let postClasses: Set<String> = ["hentry", "h-entry", "post", "type-post", "blog-post"]

    static let otherPostAttribute = "data-tidings-other-post"

    /// Before Readability (which may drop the post's heading, its permalink, as a repeat of the title): when
    /// the page holds two or more posts and exactly one links to the page's own address, marks the others.
    static func markOtherPosts(in document: Document, pageAddresses: [String]) {
        let targets = Set(pageAddresses.compactMap { normalized($0, base: nil) })
        guard !targets.isEmpty, let body = document.body else { return }
        let posts = body.outermostDescendants(where: isPost)
        guard posts.count >= 2 else { return }
        let base = pageAddresses.first
        let own = posts.filter { linksTo($0, targets: targets, base: base) }
        guard own.count == 1, let story = own.first else { return }
        for post in posts where post !== story { post.setAttribute(otherPostAttribute, "") }
    }

    /// After Readability: removes the marked posts from the chosen container; returns how many.
    @discardableResult
    static func removeOtherPosts(from article: Node) -> Int {
        let marked = article.outermostDescendants { $0.hasAttribute(otherPostAttribute) }
        // Only when the page's own post is what remains: never leave an empty article.
        guard !marked.isEmpty else { return 0 }
        let markedLength = marked.reduce(0) { $0 + JSText.normalizedLength(of: $1) }
        guard JSText.normalizedLength(of: article) > markedLength else { return 0 }
        for node in marked { node.remove() }
        return marked.count
    }

    static func isPost(_ node: Node) -> Bool {
        if node.tag == "article" { return true }
        // Every post class contains "post" or "entry": most elements are turned away without splitting.
        guard let className = node.attribute("class"),
              SubstringSet.postOrEntry.matches(SubstringSet.lowercasedBytes(className)) else { return false }
        return className.split(separator: " ").contains { postClasses.contains($0.lowercased()) }
    }

    private static func linksTo(_ post: Node, targets: Set<String>, base: String?) -> Bool {
        for link in post.descendants(tag: "a") {
            if let href = link.attribute("href"), let address = normalized(href, base: base), targets.contains(address) {
                return true
            }
        }
        return false
    }

    /// Host and path, without scheme, `www.`, query fragment or trailing slash: the same page however linked.
    static func normalized(_ address: String, base: String?) -> String? {
        let trimmed = address.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
        let url = base.flatMap { URL(string: $0) }.flatMap { URL(string: trimmed, relativeTo: $0) } ?? URL(string: trimmed)
        guard let absolute = url?.absoluteURL, let host = absolute.host?.lowercased(), !host.isEmpty else { return nil }
        var path = absolute.path
        while path.hasSuffix("/") { path.removeLast() }
        let bareHost = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        if let query = absolute.query, !query.isEmpty { return bareHost + path + "?" + query }
        guard !path.isEmpty else { return nil }   // a link to the home page is not a permalink
        return bareHost + path
    }
}

extension SubstringSet {
    static let postOrEntry = SubstringSet(["post", "entry"])
}
