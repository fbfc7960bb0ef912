import Feeds
import Foundation
import Pipeline

/// Feeds listed in an OPML file (`[poll]`/top-level `opml`), read with the feed parser's OPML reader: the file edge
/// hands this reader to `RuntimeConfig.checking`, so Pipeline reads no file. Relative
/// `xmlUrl`s resolve against the OPML file's folder, so a `feeds.opml` next to local feed files works.
public enum OPMLFeeds {
    public static func read(path: String) -> Result<[RuntimeFeed], OPMLProblem> {
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(OPMLProblem("cannot read the file")) }
        let outlines: [(url: String, title: String?)]
        do {
            outlines = try OPMLReader.feeds(from: [UInt8](data))
        } catch {
            return .failure(OPMLProblem("\(error)"))
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        return .success(outlines.map { outline in
            let url: String
            if outline.url.contains("://") || outline.url.hasPrefix("file:") {
                url = outline.url
            } else {
                url = URL(fileURLWithPath: outline.url, relativeTo: folder).standardizedFileURL.absoluteString
            }
            return RuntimeFeed(url: url, name: outline.title)
        })
    }
}
