import Config
import Foundation
import Pipeline
import Store

/// One request as the router sees it (the server has already parsed and percent-decoded the path).
public struct WebRequest: Sendable {
    public var method: String
    public var path: String
    public var authorization: String?
    /// Query parameters (`topic`, `since`, `limit`).
    public var query: [String: String]

    public init(method: String, path: String, authorization: String? = nil, query: [String: String] = [:]) {
        self.method = method; self.path = path; self.authorization = authorization; self.query = query
    }
}

public struct WebResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    init(_ status: Int, _ contentType: String, _ body: String, extra: [(String, String)] = []) {
        self.status = status
        self.headers = [("Content-Type", contentType), ("Cache-Control", "no-store"),
                        ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'")] + extra
        self.body = Array(body.utf8)
    }

    static func text(_ status: Int, _ message: String, extra: [(String, String)] = []) -> WebResponse {
        WebResponse(status, "text/plain; charset=utf-8", message + "\n", extra: extra)
    }
}

/// The read-only application: routes, authentication, and the pages, feeds and JSON it serves. Every handler
/// only reads the store; nothing here can change it.
public final class WebApp: Sendable {
    let store: any Store
    let topics: [String]
    let authToken: String?
    let version: String
    let configPath: String

    /// Longer paths are refused (414) before routing.
    public static let maxPathLength = 2048

    public init(store: any Store, topics: [String], authToken: String?, version: String, configPath: String) {
        self.store = store; self.topics = topics; self.authToken = authToken; self.version = version
        self.configPath = configPath
    }

    public func handle(_ request: WebRequest, now: Date = Date()) -> WebResponse {
        if let authToken, !Self.bearerMatches(request.authorization, authToken) {
            return .text(401, "a bearer token is required", extra: [("WWW-Authenticate", "Bearer realm=\"tidings\"")])
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text(405, "read-only: GET and HEAD only", extra: [("Allow", "GET, HEAD")])
        }
        guard request.path.utf8.count <= Self.maxPathLength else { return .text(414, "path too long") }
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard request.path.hasPrefix("/"),
              !segments.contains(where: { $0 == ".." || $0 == "." || $0.contains("\\") || $0.contains("\0") })
        else { return .text(400, "bad path") }
        do {
            return try route(segments.last == "" && segments.count > 1 ? Array(segments.dropLast()) : segments,
                             request, now: now)
        } catch {
            return .text(500, "cannot read the store")
        }
    }

    private func route(_ segments: [String], _ request: WebRequest, now: Date) throws -> WebResponse {
        let html = "text/html; charset=utf-8", json = "application/json", atom = "application/atom+xml; charset=utf-8"
        let first = segments.first ?? "", count = segments.count
        if segments == [""] {
            return WebResponse(200, html, try Pages.index(store: store, topics: topics, now: now))
        }
        if first == "topics", count == 2 {
            return WebResponse(200, html, try Pages.topic(store: store, name: segments[1], now: now))
        }
        if first == "topics", count == 3, segments[2] == "alerts.atom" {
            return WebResponse(200, atom, try AlertsAtomFeed.render(store: store, topic: segments[1], now: now))
        }
        if first == "events", count == 2 {
            guard let timeline = try EventTimeline.load(store, id: segments[1]) else {
                return WebResponse(404, html, Pages.notFound("No event \(segments[1])."))
            }
            return WebResponse(200, html, Pages.event(timeline, now: now))
        }
        if segments == ["alerts.atom"] {
            return WebResponse(200, atom, try AlertsAtomFeed.render(store: store, topic: nil, now: now))
        }
        if segments == ["api", "events"] {
            var query = EventQuery(topic: request.query["topic"], limit: 100)
            if let limit = request.query["limit"].flatMap(Int.init) { query.limit = min(max(limit, 0), 1000) }
            if let since = request.query["since"] {
                switch DurationParser.parse(since) {
                case .success(let seconds): query.since = now.addingTimeInterval(-TimeInterval(seconds))
                case .failure(let failure): return .text(400, "since: \(failure)")
                }
            }
            return WebResponse(200, json, EventList.json(try store.read { try $0.events(query) }).serialized() + "\n")
        }
        if first == "api", count == 3, segments[1] == "events" {
            guard let timeline = try EventTimeline.load(store, id: segments[2]) else { return .text(404, "no event \(segments[2])") }
            return WebResponse(200, json, timeline.json.serialized() + "\n")
        }
        if segments == ["metrics"] {
            let status = try store.read { try $0.summary() }
            return WebResponse(200, "text/plain; version=0.0.4; charset=utf-8",
                               MetricsText.render(status: status, metrics: Metrics.shared.snapshot, version: version))
        }
        if segments == ["healthz"] {
            let report = StatusReport(configPath: configPath, storeStatus: try store.status(now: now, recentAlerts: 10), now: now)
            return WebResponse(report.health == .notRunning ? 503 : 200, json, report.json.serialized() + "\n")
        }
        return WebResponse(404, html, Pages.notFound("Nothing at this address."))
    }

    /// `Bearer <token>`, compared in constant time (the time taken depends only on the lengths).
    static func bearerMatches(_ header: String?, _ token: String) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.utf8.dropFirst("Bearer ".utf8.count)), expected = Array(token.utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in 0..<expected.count {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
