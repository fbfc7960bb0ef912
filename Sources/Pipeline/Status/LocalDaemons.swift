import Foundation

/// `tidings run` processes on this host, found in /proc: how `status` tells "the daemon runs but cannot read its
/// store" (degraded) from "no daemon" when the store — where heartbeats live — cannot be read. A process counts
/// when its command line is `… tidings … run …` and its configuration (`--config PATH`, else its
/// `$TIDINGS_CONFIG`, else the default, relative paths taken from its working directory) is the same file.
/// Processes of other users may be invisible (`ProtectProc=invisible`): then status says what it can.
public enum LocalDaemons {
    public static func pid(runningConfig configPath: String, defaultPath: String, procRoot: String = "/proc") -> Int? {
        let wanted = canonical(configPath)
        let own = Int(getpid())
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: procRoot) else { return nil }
        for entry in entries {
            guard let pid = Int(entry), pid != own else { continue }
            let base = "\(procRoot)/\(entry)"
            guard let raw = FileManager.default.contents(atPath: "\(base)/cmdline"), !raw.isEmpty else { continue }
            let arguments = raw.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            guard let program = arguments.first, (program as NSString).lastPathComponent == "tidings",
                  arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) == "run" else { continue }
            var path: String?
            for (index, argument) in arguments.enumerated() {
                if argument == "--config", index + 1 < arguments.count { path = arguments[index + 1] }
                if argument.hasPrefix("--config=") { path = String(argument.dropFirst("--config=".count)) }
            }
            if path == nil, let environ = FileManager.default.contents(atPath: "\(base)/environ") {
                for variable in environ.split(separator: 0) where variable.starts(with: Array("TIDINGS_CONFIG=".utf8)) {
                    let value = String(decoding: variable.dropFirst("TIDINGS_CONFIG=".utf8.count), as: UTF8.self)
                    if !value.isEmpty { path = value }
                }
            }
            var resolved = path ?? defaultPath
            if !resolved.hasPrefix("/") {
                guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(base)/cwd") else { continue }
                resolved = cwd + "/" + resolved
            }
            if canonical(resolved) == wanted { return pid }
        }
        return nil
    }

    private static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
