import Foundation

/// An `[[alert]] type = "email"` sink: SMTP through libcurl, each alert as a message or one digest per period.
public struct EmailSettings: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable {
        /// One message per alert, threaded per event.
        case each
        /// One message per period listing the period's events and new facts.
        case digest
    }

    /// `smtp://host[:port]` or `smtps://host[:port]` (implicit TLS), without credentials.
    public var smtpURL: String
    /// For `smtp://`: require STARTTLS before anything else is sent (default); false sends in clear text.
    public var starttls = true
    /// The envelope and header sender, a bare address (`alerts@example.org`) or `Name <address>`.
    public var from: String
    /// One or more recipients, each a bare address or `Name <address>`.
    public var to: [String]
    public var username: String?
    /// The environment variable / absolute file the password was read from, if any.
    public var passwordEnv: String?
    public var passwordFile: String?
    /// The SMTP password, read when the configuration was loaded (never written in the file).
    public var password: WebhookSecret?
    public var mode = Mode.each
    /// Digest period (seconds). Default one day.
    public var digestEvery: TimeInterval = 86_400
    /// Minutes after local midnight (in `digestTimezone`) a period ends on; periods end at this time plus
    /// whole multiples of `digestEvery`.
    public var digestAt = 8 * 60
    /// An IANA zone name (`Europe/Berlin`), default `UTC`.
    public var digestTimezone = "UTC"
    /// Send a digest even for a period without alerts.
    public var sendEmpty = false
    /// After this long without success a message is marked failed (seconds). Default 24 h, as for webhooks.
    public var giveUpAfter: TimeInterval = 24 * 3600
    /// Absolute path of a PEM file of certificate authorities to trust instead of the system's (a private CA,
    /// or a self-signed server certificate).
    public var caFile: String?

    /// The bare address inside `Name <address>` (or the text itself), for the SMTP envelope.
    public static func envelopeAddress(_ mailbox: String) -> String {
        if let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close {
            return String(mailbox[mailbox.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        return mailbox.trimmingCharacters(in: .whitespaces)
    }

    /// Why `mailbox` is not a usable address, or nil. Deliberately simple: one `@`, a non-empty local part and
    /// domain, no white space or control characters or angle brackets in the address (header injection).
    public static func addressProblem(_ mailbox: String) -> String? {
        if mailbox.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "control characters (line breaks) are not allowed in an address"
        }
        let address = envelopeAddress(mailbox)
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            return "\"\(mailbox)\" is not an e-mail address (expected local@domain or Name <local@domain>)"
        }
        if address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "\t" || $0 == "," || $0 == ";" }) {
            return "\"\(address)\" contains characters not allowed in an address"
        }
        return nil
    }
}
