/// Maps a lower-cased word to the form under which the engine compares it: British and American spellings
/// become one (defence/defense, -ise/-ize, -our/-or, -tre/-ter, -ogue/-og), then a light suffix stripper joins
/// inflections (chips/chip, delayed/delay, indefinitely/indefinite).
enum WordForms {
    static func key(_ lowered: String) -> String {
        var w = Array(lowered.utf8)
        guard w.count > 2, w.allSatisfy({ $0 < 0x80 }) else { return lowered }
        w = spellingVariant(w)
        w = stem(w)
        w = americanEnding(w)
        return String(decoding: w, as: UTF8.self)
    }

    private static let wholeWordVariants: [String: String] = [
        "defence": "defense", "defences": "defense", "offence": "offense", "offences": "offense",
        "licence": "license", "licences": "license", "pretence": "pretense", "programme": "program",
        "programmes": "program", "grey": "gray", "tyre": "tire", "tyres": "tire", "cheque": "check",
        "cheques": "check", "aluminium": "aluminum", "plough": "plow", "kerb": "curb", "storey": "story",
        "sceptic": "skeptic", "sceptical": "skeptical", "manoeuvre": "maneuver", "manoeuvres": "maneuver",
        "travelling": "traveling", "travelled": "traveled", "jewellery": "jewelry", "mould": "mold",
        "paediatric": "pediatric", "oestrogen": "estrogen", "anaemia": "anemia", "haemorrhage": "hemorrhage",
        "enrol": "enroll", "fulfil": "fulfill", "instil": "instill", "artefact": "artifact", "ageing": "aging",
    ]

    /// -ise verbs that are not British spellings of -ize verbs.
    private static let iseKeep: Set<String> = [
        "exercise", "compromise", "enterprise", "expertise", "franchise", "merchandise", "televise", "supervise",
        "improvise", "otherwise", "likewise", "paradise", "advertise", "circumcise", "chastise", "surprise",
        "premise", "promise", "precise", "concise", "comprise", "appraise", "devise", "revise", "advise", "despise",
        "disguise", "demise", "treatise", "excise", "incise", "raise", "praise", "arise", "noise", "poise",
        "cruise", "bruise", "guise", "wise", "rise", "clockwise", "reprise", "apprise", "sunrise", "uprise",
    ]
    private static let ourKeep: Set<String> = [
        "hour", "four", "tour", "your", "pour", "sour", "flour", "detour", "contour", "devour", "amour", "velour",
        "dour", "scour", "our", "troubadour", "paramour", "hours", "tours", "fours", "yours", "ours",
    ]

    private static func spellingVariant(_ w: [UInt8]) -> [UInt8] {
        let s = String(decoding: w, as: UTF8.self)
        if let v = wholeWordVariants[s] { return Array(v.utf8) }
        // -ise/-ised/-ises/-ising/-isation → -ize…; -yse → -yze. Words here are ASCII (see `key`), so suffixes
        // are compared as bytes: String.hasSuffix and the literal tables built per call made a word not yet
        // cached cost thousands of instructions.
        for (suffix, replacement) in iseSuffixes {
            if hasSuffix(w, suffix) {
                let base = String(s.dropLast(suffix.utf8.count))
                if base.count >= 3 && !iseKeep.contains(base + "ise") {
                    return Array((base + replacement).utf8)
                }
                break
            }
        }
        for (suffix, replacement) in yseSuffixes where hasSuffix(w, suffix) {
            return Array((String(s.dropLast(suffix.utf8.count)) + replacement).utf8)
        }
        for (suffix, replacement) in ogueSuffixes where hasSuffix(w, suffix) && w.count > 6 {
            return Array((String(s.dropLast(suffix.utf8.count)) + replacement).utf8)
        }
        // centre/centres/centred → center…; fibre → fiber
        for (suffix, replacement) in treSuffixes where hasSuffix(w, suffix) && w.count > 5 {
            if s == "macabre" || s == "genre" { break }
            return Array((String(s.dropLast(suffix.utf8.count)) + replacement).utf8)
        }
        return w
    }

    private static let iseSuffixes = [("isations", "izations"), ("isation", "ization"), ("ising", "izing"),
                                      ("ised", "ized"), ("ises", "izes"), ("iser", "izer"), ("isers", "izers"),
                                      ("ise", "ize")]
    private static let yseSuffixes = [("yses", "yzes"), ("ysed", "yzed"), ("ysing", "yzing"), ("yse", "yze")]
    private static let ogueSuffixes = [("ogues", "ogs"), ("ogue", "og")]
    private static let treSuffixes = [("tres", "ters"), ("tred", "tered"), ("tre", "ter"), ("bres", "bers"), ("bre", "ber")]

    private static func isVowel(_ c: UInt8) -> Bool { c == 97 || c == 101 || c == 105 || c == 111 || c == 117 || c == 121 }
    private static func hasVowel(_ w: ArraySlice<UInt8>) -> Bool { w.contains(where: isVowel) }

    private static func hasSuffix(_ w: [UInt8], _ suffix: String) -> Bool {
        let n = suffix.utf8.count
        guard w.count >= n else { return false }
        var k = w.count - n
        for b in suffix.utf8 {
            if w[k] != b { return false }
            k += 1
        }
        return true
    }

    static func stem(_ input: [UInt8]) -> [UInt8] {
        var w = input
        if w.count <= 3 { return w }
        // plurals and third person
        if hasSuffix(w, "ies") && w.count > 4 {
            w.removeLast(3); w.append(121)  // y
        } else if hasSuffix(w, "sses") {
            w.removeLast(2)
        } else if hasSuffix(w, "ss") || hasSuffix(w, "us") || hasSuffix(w, "is") {
            // keep: "press", "status", "analysis"
        } else if w.last == 115 /* s */ && w.count > 3 {
            w.removeLast()
        }
        // -ingly, -edly, -ing, -ed, -ly
        for suffix in ["ingly", "edly", "ing", "ed"] where hasSuffix(w, suffix) {
            let base = w.count - suffix.utf8.count
            if base >= 3 && hasVowel(w[0..<base]) {
                w.removeLast(suffix.utf8.count)
                if w.count >= 2, w[w.count - 1] == w[w.count - 2], !isVowel(w[w.count - 1]),
                   w[w.count - 1] != 108 /* l */ || w.count > 5, w[w.count - 1] != 115, w[w.count - 1] != 122 {
                    w.removeLast()
                }
            }
            break
        }
        if hasSuffix(w, "ly") && w.count >= 6 { w.removeLast(2) }
        if w.last == 101 /* e */ && w.count > 3 { w.removeLast() }
        if w.last == 121 /* y */ && w.count > 3 { w[w.count - 1] = 105 }  // delivery/deliveries → deliveri
        // travell → travel, cancell → cancel
        if w.count > 4, w[w.count - 1] == 108, w[w.count - 2] == 108 { w.removeLast() }
        return w
    }

    /// After stemming: "favour" → "favor", "labour" → "labor" (but "hour", "tour", "four" stay).
    private static func americanEnding(_ w: [UInt8]) -> [UInt8] {
        guard w.count > 4, hasSuffix(w, "our") else { return w }
        let s = String(decoding: w, as: UTF8.self)
        if ourKeep.contains(s) { return w }
        var out = w
        out.remove(at: out.count - 2)
        return out
    }
}
