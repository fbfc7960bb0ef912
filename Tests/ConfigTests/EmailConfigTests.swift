import Testing
@testable import Config

@Suite("Configuration: the e-mail sink")
struct EmailConfigTests {
    static let base = "[[alert]]\ntype = \"email\"\nsmtp_url = \"smtp://127.0.0.1:2525\"\nfrom = \"a@example.org\"\n"

    @Test func aFullDigestSinkLoads() throws {
        let text = """
            [[topic]]
            name = "bridge"
            query = "bridge"
            [[alert]]
            type = "email"
            name = "desk"
            smtp_url = "smtps://mail.example.org:465"
            from = "tidings <alerts@example.org>"
            to = ["Desk <desk@example.org>", "ops@example.org"]
            username = "alerts"
            password_env = "SMTP_PASSWORD"
            topics = ["bridge"]
            mode = "digest"
            digest_every = "7d"
            digest_at = "07:30"
            digest_timezone = "Europe/Berlin"
            send_empty = true
            """
        let (config, warnings) = try ConfigFixture.load(text, environment: ["SMTP_PASSWORD": "hunter2"])
        #expect(warnings.allSatisfy { $0.message.contains("no feeds") }, "\(warnings)")
        guard case .email(let email) = config.alerts.first?.kind else { Issue.record("no email sink"); return }
        #expect(config.alerts.first?.name == "desk" && config.alerts.first?.topics == ["bridge"])
        #expect(email.smtpURL == "smtps://mail.example.org:465" && email.starttls)
        #expect(email.to == ["Desk <desk@example.org>", "ops@example.org"])
        #expect(email.password?.value == "hunter2" && email.passwordEnv == "SMTP_PASSWORD")
        #expect(!"\(email)".contains("hunter2"))
        #expect(email.mode == .digest && email.digestEvery == 7 * 86_400 && email.digestAt == 450)
        #expect(email.digestTimezone == "Europe/Berlin" && email.sendEmpty)
        #expect(config.alerts.first?.receivesEachAlert == false)
    }

    @Test func defaultsAndASingleRecipient() throws {
        let (config, _) = try ConfigFixture.load(Self.base + "to = \"desk@example.org\"\n")
        guard case .email(let email) = config.alerts.first?.kind else { Issue.record("no email sink"); return }
        #expect(config.alerts.first?.name == "email-1")
        #expect(email.to == ["desk@example.org"] && email.mode == .each && email.starttls)
        #expect(email.digestEvery == 86_400 && email.digestAt == 480 && email.digestTimezone == "UTC" && !email.sendEmpty)
        #expect(config.alerts.first?.receivesEachAlert == true)
    }

    struct Case: CustomStringConvertible, Sendable {
        let extra: String
        let line: Int
        let column: Int
        let words: String
        var description: String { words }
    }

    static let cases: [Case] = [
        Case(extra: "to = \"nobody\"", line: 5, column: 6, words: "alert[1].to: \"nobody\" is not an e-mail address"),
        Case(extra: "to = [\"a@b.org\", \"x\\r\\nBcc: c@d.org\"]", line: 5, column: 18, words: "control characters"),
        Case(extra: "to = []", line: 5, column: 6, words: "at least one recipient"),
        Case(extra: "to = \"a@b.org\"\nmode = \"weekly\"", line: 6, column: 8, words: "expected \"each\" or \"digest\""),
        Case(extra: "to = \"a@b.org\"\nmode = \"digest\"\ndigest_at = \"8am\"", line: 7, column: 13, words: "expected a time of day as \"HH:MM\""),
        Case(extra: "to = \"a@b.org\"\nmode = \"digest\"\ndigest_at = \"24:00\"", line: 7, column: 13, words: "\"HH:MM\""),
        Case(extra: "to = \"a@b.org\"\nmode = \"digest\"\ndigest_timezone = \"Mars/Olympus\"", line: 7, column: 19, words: "unknown time zone"),
        Case(extra: "to = \"a@b.org\"\nmode = \"digest\"\ndigest_every = \"10s\"", line: 7, column: 16, words: "must be at least 1m"),
        Case(extra: "to = \"a@b.org\"\npassword = \"hunter2\"", line: 6, column: 1, words: "must not be written in the configuration file"),
        Case(extra: "to = \"a@b.org\"\nusername = \"u\"\npassword_env = \"NOPE\"", line: 7, column: 16, words: "NOPE is not set"),
        Case(extra: "to = \"a@b.org\"\nusername = \"u\"\npassword_file = \"/run/none\"", line: 7, column: 17, words: "cannot read /run/none"),
        Case(extra: "to = \"a@b.org\"\nstarttls = \"yes\"", line: 6, column: 12, words: "expected true or false"),
        Case(extra: "to = \"a@b.org\"\nca_file = \"/run/none\"", line: 6, column: 11, words: "cannot read /run/none"),
    ]

    @Test(arguments: cases)
    func rejected(_ testCase: Case) {
        let errors = ConfigFixture.errors(Self.base + testCase.extra)
        let match = errors.first { $0.message.contains(testCase.words) }
        #expect(match != nil, "no error containing \(testCase.words.debugDescription) in \(errors)")
        if let match {
            #expect((match.line, match.column) == (testCase.line, testCase.column), "\(match)")
            #expect(match.severity == .error)
        }
    }

    @Test func urlAndMissingKeysAreErrorsWithPositions() {
        let badScheme = ConfigFixture.errors("[[alert]]\ntype = \"email\"\nsmtp_url = \"http://h:25\"\nfrom = \"a@b.org\"\nto = \"c@d.org\"")
        #expect(badScheme.contains { $0.message.contains("expected smtp or smtps") && $0.line == 3 && $0.column == 12 })
        let credentials = ConfigFixture.errors("[[alert]]\ntype = \"email\"\nsmtp_url = \"smtp://u:p@h:25\"\nfrom = \"a@b.org\"\nto = \"c@d.org\"")
        #expect(credentials.contains { $0.message.contains("credentials do not belong in the URL") })
        #expect(!credentials.contains { $0.message.contains("u:p@") }, "the password is not repeated in the message")
        let missing = ConfigFixture.errors("[[alert]]\ntype = \"email\"\nsmtp_url = \"smtp://h:25\"")
        #expect(missing.contains { $0.message.contains("missing required key \"from\"") && $0.line == 1 })
        #expect(missing.contains { $0.message.contains("missing required key \"to\"") && $0.line == 1 })
    }

    @Test func digestKeysWithModeEachAreWarnings() {
        let warnings = ConfigFixture.warnings(Self.base + "to = \"a@b.org\"\ndigest_at = \"08:00\"\nurl = \"https://x/\"")
        #expect(warnings.contains { $0.message.contains("digest_at: only used with mode = \"digest\"") && $0.line == 6 })
        #expect(warnings.contains { $0.message.contains("url: not used by a email sink") || $0.message.contains("url: not used by an email sink") })
    }
}
