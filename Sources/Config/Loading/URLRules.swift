import Foundation

/// Checks and normalises the URLs and paths a configuration names. Lexical only: nothing here touches the
/// network or the file system.
public enum URLRules {
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self { case .invalid(let why): why }
        }
    }

    /// An http(s) URL with a host, or a `file:` URL. A `file:` URL with a relative path (`file:feeds/wire.xml`)
    /// is resolved against `directory`; every `file:` URL comes back as `file:///absolute/path`.
    public static func feedURL(_ text: String, allowFile: Bool, relativeTo directory: String) -> Result<String, Problem> {
        if let problem = invalidCharacter(in: text) { return .failure(problem) }
        guard let colon = text.firstIndex(of: ":") else {
            return .failure(.invalid("not a URL (expected http://, https://\(allowFile ? " or file:" : ""))"))
        }
        let scheme = text[..<colon].lowercased()
        let rest = text[text.index(after: colon)...]
        switch scheme {
        case "http", "https":
            return checkNetworkURL(scheme: scheme, rest: rest).map { text }
        case "file" where allowFile:
            return fileURL(rest, relativeTo: directory)
        case "file":
            return .failure(.invalid("a file: URL is not allowed here; use http:// or https://"))
        default:
            return .failure(.invalid("unsupported scheme \"\(scheme)\" (expected http, https\(allowFile ? " or file" : ""))"))
        }
    }

    /// `postgresql://` or `postgres://`, with whatever libpq accepts after it (host may be empty for a socket).
    public static func postgresURL(_ text: String) -> Result<String, Problem> {
        if let problem = invalidCharacter(in: text) { return .failure(problem) }
        let lower = text.lowercased()
        guard lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") else {
            return .failure(.invalid("expected a postgresql:// or postgres:// URL"))
        }
        return .success(text)
    }

    /// The URL with any password in its user-info removed, for logs and status output.
    public static func redactingPassword(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = url[authorityStart...].firstIndex { "/?#".contains($0) } ?? url.endIndex
        let authority = url[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + String(url[at...])
    }

    /// A path from the configuration: absolute as written, relative resolved against `directory`; `.` and
    /// `..` components removed lexically.
    public static func resolvePath(_ path: String, relativeTo directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        var components: [Substring] = []
        for component in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// The folder holding `configPath`, made absolute against `workingDirectory`.
    public static func directory(of configPath: String, workingDirectory: String) -> String {
        let absolute = resolvePath(configPath, relativeTo: workingDirectory)
        guard let slash = absolute.lastIndex(of: "/"), slash != absolute.startIndex else { return "/" }
        return String(absolute[..<slash])
    }

    // MARK: Helpers

    /// An `smtp://` or `smtps://` URL to a server (no path beyond an optional client name, no credentials:
    /// those go in username / password_env).
    public static func smtpURL(_ text: String) -> Result<String, Problem> {
        if let problem = invalidCharacter(in: text) { return .failure(problem) }
        guard let colon = text.firstIndex(of: ":") else { return .failure(.invalid("expected smtp:// or smtps://")) }
        let scheme = text[..<colon].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            return .failure(.invalid("unsupported scheme \"\(scheme)\" (expected smtp or smtps)"))
        }
        let rest = text[text.index(after: colon)...]
        if case .failure(let problem) = checkNetworkURL(scheme: scheme, rest: rest) { return .failure(problem) }
        let authority = rest.dropFirst(2).prefix { !"/?#".contains($0) }
        if authority.contains("@") {
            return .failure(.invalid("credentials do not belong in the URL; use username and password_env or password_file"))
        }
        return .success(scheme + text[colon...])
    }

    private static func invalidCharacter(in text: String) -> Problem? {
        if text.isEmpty { return .invalid("it is empty") }
        for scalar in text.unicodeScalars {
            if scalar == " " { return .invalid("spaces are not allowed in a URL (write %20)") }
            if scalar.value < 0x20 || scalar.value == 0x7F { return .invalid("control characters are not allowed in a URL") }
            // Unicode properties are slow to look up; only non-ASCII scalars can be other kinds of white space.
            if !scalar.isASCII, scalar.properties.isWhitespace { return .invalid("whitespace is not allowed in a URL") }
        }
        return nil
    }

    private static func checkNetworkURL(scheme: String, rest: Substring) -> Result<Void, Problem> {
        guard rest.hasPrefix("//") else { return .failure(.invalid("expected \(scheme):// followed by a host")) }
        let afterSlashes = rest.dropFirst(2)
        let authorityEnd = afterSlashes.firstIndex { "/?#".contains($0) } ?? afterSlashes.endIndex
        var hostAndPort = afterSlashes[..<authorityEnd]
        if let at = hostAndPort.lastIndex(of: "@") { hostAndPort = hostAndPort[hostAndPort.index(after: at)...] }
        var host = hostAndPort
        var port: Substring?
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { return .failure(.invalid("unclosed '[' in the IPv6 host")) }
            host = hostAndPort[...close]
            let after = hostAndPort[hostAndPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(.invalid("unexpected text after the IPv6 host")) }
                port = after.dropFirst()
            }
        } else if let colon = hostAndPort.lastIndex(of: ":") {
            host = hostAndPort[..<colon]
            port = hostAndPort[hostAndPort.index(after: colon)...]
        }
        guard !host.isEmpty else { return .failure(.invalid("the URL has no host")) }
        if !host.hasPrefix("["), let bad = host.unicodeScalars.first(where: { !isHostScalar($0) }) {
            return .failure(.invalid("the host contains '\(bad)'"))
        }
        if let port {
            guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port), (1...65535).contains(number) else {
                return .failure(.invalid("invalid port \"\(port)\""))
            }
        }
        return .success(())
    }

    /// Letters and digits (any script, for internationalised names) and the punctuation RFC 3986 allows.
    private static func isHostScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~", "%", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=":
                return true
            default:
                return false
            }
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private static func fileURL(_ rest: Substring, relativeTo directory: String) -> Result<String, Problem> {
        var path = rest
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let hostEnd = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
            let host = afterSlashes[..<hostEnd]
            guard host.isEmpty || host.lowercased() == "localhost" else {
                return .failure(.invalid(
                    "a file URL has no host (\"\(host)\" here); write file:///absolute/path, or file:relative/path for a path relative to the configuration file"))
            }
            path = afterSlashes[hostEnd...]
        }
        if let query = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<query] }
        guard !path.isEmpty, path != "/" else { return .failure(.invalid("the file URL has no path")) }
        if path.hasPrefix("/") {
            return .success("file://" + resolvePath(String(path), relativeTo: "/"))
        }
        // The user wrote URL syntax (perhaps with %20); the directory is a plain path and needs encoding.
        let resolved = resolvePath(percentEncodePath(directory) + "/" + path, relativeTo: "/")
        return .success("file://" + resolved)
    }

    static func percentEncodePath(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if byte < 0x80, character.isLetter || character.isNumber || "/-._~!$&'()*+,;=:@".contains(character) {
                encoded.append(character)
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }
}
