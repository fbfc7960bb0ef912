/// Text made safe for HTML and XML (Atom) alike: the web pages, the Atom feed of alerts and the e-mails' HTML parts
/// all escape through this one function.
public enum HTMLEscape {
    /// The five markup characters as references (element content and attribute values alike); characters XML 1.0
    /// forbids (most C0 controls, U+FFFE/FFFF) dropped, so an Atom document stays well-formed whatever a feed sent.
    public static func text(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                let value = scalar.value
                if value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
                    || (0xE000...0xFFFD).contains(value) || value >= 0x10000 {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
