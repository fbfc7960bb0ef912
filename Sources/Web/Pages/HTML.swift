import Foundation
import Support

/// Escaping and the page frame. Every string that reaches a page goes through `escape` (text and attribute
/// values alike: `&`, `<`, `>`, `"`, `'`), and links only keep http(s) URLs, so a feed's `javascript:` link is
/// shown as text, never followed.
enum HTML {
    /// Support's `HTMLEscape.text`, named short for the page builders that call it on every value.
    static func escape(_ text: String) -> String { HTMLEscape.text(text) }

    /// A link to an http(s) URL, else the escaped text alone.
    static func link(_ url: String?, _ text: String) -> String {
        guard let url, url.hasPrefix("http://") || url.hasPrefix("https://") else { return escape(text) }
        return "<a href=\"\(escape(url))\" rel=\"noopener noreferrer\">\(escape(text))</a>"
    }

    /// A path segment for our own links (topic names, event ids), percent-encoded.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `<time>` in UTC with its age.
    static func time(_ date: Date, now: Date) -> String {
        "<time datetime=\"\(ISO8601Time.format(date))\">\(escape(HumanText.utc(date)))</time> "
            + "<span class=\"age\">(\(escape(HumanText.age(of: date, now: now))))</span>"
    }

    static let style = """
        body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:48rem;padding:0 1rem 2rem;color:#1a1a1a;background:#fff}
        header{border-bottom:1px solid #ddd;margin-bottom:1rem}header a{color:inherit;text-decoration:none}
        h1{font-size:1.5rem;margin:1rem 0 .25rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
        a{color:#0b57d0}.age,.meta{color:#555;font-size:.9rem}
        ol.timeline{list-style:none;padding:0}ol.timeline>li{border-left:3px solid #ccc;padding:.25rem 0 .75rem .75rem;margin:0}
        ol.timeline>li.new_event{border-color:#0b57d0}ol.timeline>li.new_facts{border-color:#188038}
        .verdict{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;font-weight:600}
        mark{background:#e6f4ea;color:#0d652d;padding:0 .15rem}ul.facts{margin:.25rem 0;padding-left:1.2rem}
        table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.2rem .4rem;border-bottom:1px solid #eee}
        .failing{color:#b3261e}
        """

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · tidings</title>
        <style>\(style)</style>
        </head>
        <body>
        <header><p><a href="/"><strong>tidings</strong></a> · <a href="/alerts.atom">alerts feed</a></p></header>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }
}
