/// `[http]`: the read-only web page, feeds and metrics that `tidings run` serves.
public struct HTTPSettings: Sendable, Equatable {
    /// Where to listen; nil when `listen = ""` turned the server off.
    public var listen: ListenAddress?
    /// The bearer token every request must carry (read from `auth_token_env` / `auth_token_file`, never the file).
    public var authToken: String?
    /// Where people reach the page (`public_url`), for links in e-mails; nil: the listen address.
    public var publicURL: String?

    /// The base URL of the event pages that other outputs (e-mail) link to; nil when the page is off.
    public var pageBase: String? {
        guard let listen else { return nil }
        return publicURL ?? "http://\(listen)"
    }

    public init(listen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 8725), authToken: String? = nil) {
        self.listen = listen
        self.authToken = authToken
    }
}

/// `host:port`, `[v6]:port` or `localhost:port` (taken as 127.0.0.1), numeric hosts only: a name would need a
/// resolver at start and could change its address underneath.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var isIPv6: Bool { host.contains(":") }

    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        if isIPv6 { return host == "::1" || host == "0:0:0:0:0:0:0:1" }
        return host.hasPrefix("127.")
    }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// nil with a reason when the text is not an address this server can bind.
    public static func parse(_ text: String) -> Result<ListenAddress, ListenAddressProblem> {
        var host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return .failure(ListenAddressProblem("expected [IPv6]:port, found \"\(text)\""))
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return .failure(ListenAddressProblem("expected host:port (such as 127.0.0.1:8725), found \"\(text)\""))
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            return .failure(ListenAddressProblem("the port in \"\(text)\" is not a number from 0 to 65535"))
        }
        if host == "localhost" { host = "127.0.0.1" }
        let isV4 = host.split(separator: ".", omittingEmptySubsequences: false).count == 4
            && host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { UInt8($0) != nil }
        let isV6 = host.contains(":") && host.allSatisfy { $0.isHexDigit || $0 == ":" }
        guard isV4 || isV6 else {
            return .failure(ListenAddressProblem("\"\(host)\" is not a numeric IPv4 or IPv6 address (or localhost)"))
        }
        return .success(ListenAddress(host: String(host), port: port))
    }
}

public struct ListenAddressProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
