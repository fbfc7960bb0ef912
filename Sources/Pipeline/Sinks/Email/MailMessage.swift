import Foundation

/// One Internet message: headers and a multipart/alternative body of a text/plain and a text/html part, both
/// UTF-8 quoted-printable. `render()` gives the bytes handed to the SMTP server (CRLF line ends throughout).
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var date: Date
    /// Without angle brackets: "event-evt_1.topic@example.org".
    public var messageID: String
    /// The thread's root message (without angle brackets), for In-Reply-To and References.
    public var inReplyTo: String?
    /// "tidings alerts <topic.example.org>"-style List-Id value.
    public var listID: String
    /// Extra headers (X-Tidings-…), values plain ASCII or encoded as needed.
    public var extraHeaders: [(String, String)]
    public var text: String
    public var html: String

    public init(from: String, to: [String], subject: String, date: Date, messageID: String, inReplyTo: String? = nil,
                listID: String, extraHeaders: [(String, String)] = [], text: String, html: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.listID = listID
        self.extraHeaders = extraHeaders
        self.text = text
        self.html = html
    }

    public static func == (lhs: MailMessage, rhs: MailMessage) -> Bool { lhs.render() == rhs.render() }

    public func render() -> String {
        // "=_" never occurs in quoted-printable output (every "=" there starts a hex pair or a soft break), so the
        // boundary cannot collide with the parts' text.
        let boundary = "=_tidings_" + MIMEEncoding.idLabel(messageID).prefix(40)
        var lines: [String] = [
            // Mailboxes come out of `mailbox` already encoded: only folded here, never encoded twice.
            MIMEEncoding.fold("From: " + MIMEEncoding.mailbox(from)),
            MIMEEncoding.fold("To: " + to.map(MIMEEncoding.mailbox).joined(separator: ", ")),
            MIMEEncoding.header("Subject", subject),
            "Date: " + MIMEEncoding.date(date),
            "Message-ID: <\(messageID)>",
        ]
        if let inReplyTo {
            lines.append("In-Reply-To: <\(inReplyTo)>")
            lines.append("References: <\(inReplyTo)>")
        }
        lines += [
            MIMEEncoding.fold("List-Id: " + MIMEEncoding.mailbox(listID)),
            "Auto-Submitted: auto-generated",
            "X-Auto-Response-Suppress: All",
        ]
        for (name, value) in extraHeaders { lines.append(MIMEEncoding.header(name, value)) }
        lines += [
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            MIMEEncoding.quotedPrintable(text),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            MIMEEncoding.quotedPrintable(html),
            "--\(boundary)--",
            "",
        ]
        return lines.joined(separator: "\r\n")
    }
}
