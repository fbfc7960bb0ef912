import Foundation

// MARK: [[alert]]: the sinks (log, webhook; e-mail in ConfigBuilder+Email.swift) and their secrets

extension ConfigBuilder {
    func buildSinks(_ sections: [SectionReader], topics: [TopicSettings], declaredTopics: Set<String>) -> [SinkSettings] {
        var sinks: [SinkSettings] = []
        var names: [String: String] = [:]
        var logPaths: [String: String] = [:]
        var logCount = 0, webhookCount = 0, emailCount = 0
        let topicNames = Set(topics.map(\.name))

        for section in sections {
            let typeValue = section.string("type", required: "\"log\", \"webhook\" or \"email\"")
            var sinkKind: SinkSettings.Kind?
            var defaultName: String?
            if section.has("secret") {
                section.error("secret",
                              "the signing secret must not be written in the configuration file (it is often readable by others and copied around); name an environment variable with secret_env, or a file (such as a systemd credential) with secret_file",
                              at: section.keyPosition(of: "secret"))
            }
            switch typeValue?.text {
            case "log":
                logCount += 1
                defaultName = logCount == 1 ? "log" : "log-\(logCount)"
                section.warnAboutUnknownKeys(known: Self.logSinkKeys + ["secret"], notUsedHere: Self.notUsed(by: "log").merging(Self.misplacedInTable) { $1 })
                if let (path, _) = section.string("path", required: "the JSON-lines file alerts are appended to") {
                    let resolved = URLRules.resolvePath(path, relativeTo: directory)
                    if let other = logPaths[resolved] {
                        section.error("path", "\(other) already writes to \(resolved); two log sinks cannot share a file")
                    } else {
                        logPaths[resolved] = section.name
                        sinkKind = .log(path: resolved)
                    }
                }
            case "webhook":
                webhookCount += 1
                defaultName = "webhook-\(webhookCount)"
                section.warnAboutUnknownKeys(known: Self.webhookSinkKeys + ["secret"], notUsedHere: Self.notUsed(by: "webhook").merging(Self.misplacedInTable) { $1 })
                sinkKind = buildWebhook(section).map { .webhook($0) }
            case "email":
                emailCount += 1
                defaultName = "email-\(emailCount)"
                section.warnAboutUnknownKeys(known: Self.emailSinkKeys + ["secret", "password"],
                                             notUsedHere: Self.notUsed(by: "email").merging(Self.misplacedInTable) { $1 })
                sinkKind = buildEmail(section).map { .email($0) }
            case let other?:
                section.error("type", "unknown sink type \"\(other)\" (expected \"log\", \"webhook\" or \"email\")")
            case nil:
                break
            }

            var topicFilter: [String]?
            if let entries = section.stringArray("topics") {
                topicFilter = []
                for (name, value) in entries {
                    if topicNames.contains(name) {
                        topicFilter?.append(name)
                    } else if !declaredTopics.contains(name) {
                        var message = "unknown topic \"\(name)\""
                        if let suggestion = SectionReader.nearest(to: name, in: Array(topicNames)) { message += "; did you mean \"\(suggestion)\"?" }
                        section.error("topics", message, at: value.position)
                    }
                }
                if entries.isEmpty { section.warning("topics", "an empty list sends this sink nothing (leave topics out for all topics)") }
            }

            var sinkName = defaultName
            if let (explicit, _) = section.string("name") { sinkName = explicit }
            guard let sinkName else { continue }
            if let other = names[sinkName] {
                let hint = section.has("name") ? "" : "; give this sink its own name = \"…\""
                section.error(section.has("name") ? "name" : "type", "sink name \"\(sinkName)\" is already used by \(other)\(hint)")
                continue
            }
            names[sinkName] = "\(section.name) (line \(section.table.position.line))"
            guard let sinkKind else { continue }
            sinks.append(SinkSettings(name: sinkName, kind: sinkKind, topics: topicFilter, line: section.table.position.line))
        }
        return sinks
    }

    private static func notUsed(by type: String) -> [String: String] {
        let own = type == "log" ? logSinkKeys : type == "webhook" ? webhookSinkKeys : emailSinkKeys
        var result: [String: String] = [:]
        for key in Set(logSinkKeys + webhookSinkKeys + emailSinkKeys).sorted() where !own.contains(key) {
            result[key] = "not used by \(type == "email" ? "an" : "a") \(type) sink"
        }
        return result
    }

    private func buildWebhook(_ section: SectionReader) -> WebhookSettings? {
        var format = WebhookSettings.Format.json
        if let (text, _) = section.string("format") {
            if let parsed = WebhookSettings.Format(rawValue: text) {
                format = parsed
            } else {
                section.error("format", "expected \"json\" or \"slack\", found \"\(text)\"")
            }
        }
        let giveUpAfter = section.duration("give_up_after") ?? 24 * 3600
        let (secretEnv, secretFile, secret) = readSecret(section, envKey: "secret_env", fileKey: "secret_file",
                                                         holding: "the webhook signing secret")
        guard let (text, _) = section.string("url", required: "the http:// or https:// URL alerts are POSTed to") else { return nil }
        switch URLRules.feedURL(text, allowFile: false, relativeTo: directory) {
        case .failure(let problem):
            section.error("url", "invalid URL \"\(text)\": \(problem)")
            return nil
        case .success(let url):
            return WebhookSettings(url: url, format: format, secretEnv: secretEnv, secretFile: secretFile,
                                   secret: secret, giveUpAfter: giveUpAfter)
        }
    }

    /// A secret named by an environment variable (`envKey`) or a file (`fileKey`, a systemd credential name when
    /// relative under LoadCredential=), never written in the file itself. Returns where it came from and its value.
    func readSecret(_ section: SectionReader, envKey: String, fileKey: String,
                    holding what: String) -> (env: String?, file: String?, secret: WebhookSecret?) {
        var secret: WebhookSecret?
        var secretEnv: String?
        var secretFile: String?
        if section.has(envKey) && section.has(fileKey) {
            section.error(fileKey, "give either \(envKey) or \(fileKey), not both")
        } else if let (name, _) = section.string(envKey) {
            secretEnv = name
            if !Self.isEnvironmentName(name) {
                section.error(envKey, "\"\(name)\" is not an environment variable name (letters, digits and _, not starting with a digit)")
            } else if let value = environment[name] {
                if value.isEmpty {
                    section.error(envKey, "environment variable \(name) is set but empty")
                } else {
                    secret = WebhookSecret(value)
                }
            } else {
                section.error(envKey, "environment variable \(name) is not set (it must hold \(what))")
            }
        } else if let (file, _) = section.string(fileKey) {
            let resolved = resolveSecretFile(file)
            secretFile = resolved
            switch readFile(resolved) {
            case .failure(let failure):
                section.error(fileKey, "cannot read \(resolved): \(failure.reason)")
            case .success(var text):
                // Files usually end with a line break that is not part of the secret.
                while text.hasSuffix("\n") || text.hasSuffix("\r") || text.hasSuffix("\r\n") { text.removeLast() }
                if text.isEmpty {
                    section.error(fileKey, "\(resolved) is empty")
                } else {
                    secret = WebhookSecret(text)
                }
            }
        }
        return (secretEnv, secretFile, secret)
    }

    /// A relative secret file is a systemd credential name when `$CREDENTIALS_DIRECTORY` is set (LoadCredential=),
    /// else a path relative to the configuration's folder — where LoadCredential= typically takes it from.
    func resolveSecretFile(_ file: String) -> String {
        if !file.hasPrefix("/"), let credentials = environment["CREDENTIALS_DIRECTORY"], !credentials.isEmpty {
            return URLRules.resolvePath(file, relativeTo: credentials)
        }
        return URLRules.resolvePath(file, relativeTo: directory)
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
