import Foundation

// MARK: [[alert]] type = "email"

extension ConfigBuilder {
    func buildEmail(_ section: SectionReader) -> EmailSettings? {
        if section.has("password") {
            section.error("password",
                          "the SMTP password must not be written in the configuration file; name an environment variable with password_env, or a file (such as a systemd credential) with password_file",
                          at: section.keyPosition(of: "password"))
        }
        var smtpURL: String?
        if let (text, _) = section.string("smtp_url", required: "the SMTP server, smtp://host:587 (STARTTLS) or smtps://host:465") {
            switch URLRules.smtpURL(text) {
            case .failure(let problem): section.error("smtp_url", "invalid SMTP URL \"\(URLRules.redactingPassword(text))\": \(problem)")
            case .success(let url): smtpURL = url
            }
        }
        let starttls = section.bool("starttls") ?? true
        if section.has("starttls"), let smtpURL, smtpURL.hasPrefix("smtps://") {
            section.warning("starttls", "not used with smtps:// (the connection is TLS from the start)")
        }

        var from: String?
        if let (text, _) = section.string("from", required: "the sender address, e.g. \"tidings <alerts@example.org>\"") {
            if let problem = EmailSettings.addressProblem(text) { section.error("from", problem) } else { from = text }
        }
        var recipients: [String] = []
        var recipientsValid = true
        if let value = section.table["to"], let single = value.stringValue {
            if let problem = EmailSettings.addressProblem(single) {
                section.error("to", problem)
                recipientsValid = false
            } else {
                recipients = [single]
            }
        } else if section.table["to"]?.arrayValue != nil || section.has("to") {
            if let entries = section.stringArray("to") {
                for (text, value) in entries {
                    if let problem = EmailSettings.addressProblem(text) {
                        section.error("to", problem, at: value.position)
                        recipientsValid = false
                    } else {
                        recipients.append(text)
                    }
                }
                if entries.isEmpty { section.error("to", "needs at least one recipient address"); recipientsValid = false }
            } else {
                recipientsValid = false
            }
        } else {
            section.diagnostics.error("\(section.name): missing required key \"to\" (one recipient address or a list of them)",
                                      at: section.table.position)
            recipientsValid = false
        }

        let username = section.string("username")?.text
        let (passwordEnv, passwordFile, password) = readSecret(section, envKey: "password_env", fileKey: "password_file",
                                                               holding: "the SMTP password")
        if username == nil && password != nil {
            section.warning(section.has("password_env") ? "password_env" : "password_file",
                            "a password without username is not used (give username = \"…\")")
        }
        if username != nil && password == nil && !section.has("password_env") && !section.has("password_file") {
            section.warning("username", "a username without password_env or password_file: the server gets no password")
        }

        var mode = EmailSettings.Mode.each
        if let (text, _) = section.string("mode") {
            if let parsed = EmailSettings.Mode(rawValue: text) { mode = parsed } else {
                section.error("mode", "expected \"each\" or \"digest\", found \"\(text)\"")
            }
        }
        let digestEvery = section.duration("digest_every", minimumSeconds: 60) ?? 86_400
        var digestAt = 8 * 60
        if let (text, _) = section.string("digest_at") {
            if let minutes = Self.clockMinutes(text) { digestAt = minutes } else {
                section.error("digest_at", "expected a time of day as \"HH:MM\" (24-hour), found \"\(text)\"")
            }
        }
        var digestTimezone = "UTC"
        if let (text, _) = section.string("digest_timezone") {
            if TimeZone(identifier: text) != nil { digestTimezone = text } else {
                section.error("digest_timezone", "unknown time zone \"\(text)\" (expected an IANA name such as \"UTC\" or \"Europe/Berlin\")")
            }
        }
        let sendEmpty = section.bool("send_empty") ?? false
        if mode == .each {
            for key in ["digest_every", "digest_at", "digest_timezone", "send_empty"] where section.has(key) {
                section.warning(key, "only used with mode = \"digest\" (ignored)")
            }
        }
        let giveUpAfter = section.duration("give_up_after") ?? 24 * 3600
        var caFile: String?
        if let (text, _) = section.string("ca_file") {
            let resolved = URLRules.resolvePath(text, relativeTo: directory)
            if case .failure(let failure) = readFile(resolved) {
                section.error("ca_file", "cannot read \(resolved): \(failure.reason)")
            } else {
                caFile = resolved
            }
        }

        guard let smtpURL, let from, recipientsValid, !recipients.isEmpty else { return nil }
        return EmailSettings(smtpURL: smtpURL, starttls: starttls, from: from, to: recipients, username: username,
                             passwordEnv: passwordEnv, passwordFile: passwordFile, password: password, mode: mode,
                             digestEvery: digestEvery, digestAt: digestAt, digestTimezone: digestTimezone,
                             sendEmpty: sendEmpty, giveUpAfter: giveUpAfter, caFile: caFile)
    }

    /// "08:00" → 480; nil unless HH:MM with 00–23 and 00–59.
    static func clockMinutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isASCII) }),
              let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...23).contains(hours), parts[1].count == 2,
              (0...59).contains(minutes) else { return nil }
        return hours * 60 + minutes
    }
}
