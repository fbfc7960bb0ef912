/// Closed-class English vocabulary the fact extractor needs. These are grammar and newsroom conventions
/// (function words, reporting verbs, honorifics, titles, calendar words), not words of any topic.
enum Lexicon {
    static let stopwords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "nor", "so", "yet", "if", "then", "than", "that", "this", "these", "those",
        "there", "here", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "while", "whether",
        "of", "in", "on", "at", "by", "for", "from", "to", "into", "onto", "over", "under", "with", "without", "within",
        "about", "above", "below", "after", "before", "between", "among", "amid", "through", "during", "against",
        "across", "along", "around", "behind", "beyond", "despite", "toward", "towards", "upon", "via", "per", "as",
        "up", "down", "out", "off", "since", "until", "till", "like", "unlike", "near", "besides",
        "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having", "do", "does", "did",
        "doing", "done", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "ought",
        "i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his", "she", "her",
        "hers", "it", "its", "they", "them", "their", "theirs", "himself", "herself", "itself", "themselves",
        "ourselves", "myself", "yourself", "one", "ones", "other", "others", "another", "each", "every", "all", "any",
        "both", "either", "neither", "some", "such", "same", "own", "no", "not", "only", "very", "too", "also", "just",
        "even", "still", "already", "again", "ever", "never", "now", "then", "today", "yesterday", "tomorrow",
        "meanwhile", "however", "moreover", "furthermore", "thus", "therefore", "though", "although", "because",
        "also", "more", "most", "much", "many", "few", "less", "least", "further", "s", "t", "don", "doesn", "didn",
        "won", "isn", "aren", "wasn", "weren", "hasn", "haven", "hadn", "couldn", "wouldn", "shouldn", "ll", "ve", "re",
        "d", "m", "et", "al", "etc", "ie", "eg", "vs", "via", "whereas", "whilst", "upon", "onto", "lot", "lots",
        // reporting and attribution: who said it is not what was said
        "said", "says", "say", "saying", "told", "tell", "tells", "added", "adds", "adding", "stated", "states",
        "noted", "notes", "according", "reported", "reports", "reporting", "report", "quoted", "quoting", "cited",
        "citing", "wrote", "writes", "posted", "tweeted", "statement", "release", "sources", "source", "officials",
        "official", "spokesperson", "spokesman", "spokeswoman", "reporters", "remarks",
        // honorifics
        "mr", "mrs", "ms", "mx", "dr", "shri", "sri", "smt", "shrimati", "prof", "sir", "dame", "hon", "sh",
    ]

    /// Capitalised in running text but naming a role or a kind of body, not a particular one.
    static let titleWords: Set<String> = [
        "president", "vice", "minister", "ministry", "secretary", "governor", "governors", "chair", "chairman",
        "chairwoman", "chairperson", "chief", "director", "general", "department", "committee", "court", "army",
        "navy", "force", "forces", "air", "deputy", "senator", "senate", "house", "party", "prime", "foreign",
        "affairs", "state", "states", "united", "bank", "reserve", "federal", "national", "council", "commission",
        "agency", "office", "bureau", "union", "government", "administration", "parliament", "congress", "defence",
        "defense", "external", "internal", "home", "finance", "commerce", "treasury", "justice", "supreme", "high",
        "board", "executive", "officer", "commander", "admiral", "colonel", "captain", "major", "lieutenant",
        "sergeant", "judge", "justice", "mayor", "senior", "junior", "new", "former", "acting", "interim", "press",
        "the", "ceo", "cfo", "cto", "inc", "corp", "ltd", "co", "group", "company", "holdings", "plc", "university",
        "institute", "association", "organisation", "organization", "international", "global", "world", "republic",
        "kingdom", "people", "peoples", "democratic", "north", "south", "east", "west", "central", "western",
        "eastern", "northern", "southern", "breaking", "update", "updated", "exclusive", "analysis", "opinion",
        // Roles of people in courts, police forces, offices and teams ("Prosecutor Jane Doe", "Detective
        // Inspector …"): the name follows.
        "prosecutor", "prosecutors", "attorney", "counsel", "solicitor", "barrister", "lawyer", "detective",
        "inspector", "constable", "superintendent", "magistrate", "magistrates", "spokesman", "spokeswoman",
        "spokesperson", "coach", "manager", "presenter", "professor", "ambassador", "commissioner", "sheriff",
    ]

    static let weekdays: Set<String> = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    ]

    static let months: [String: String] = [
        "january": "january", "jan": "january", "february": "february", "feb": "february", "march": "march",
        "mar": "march", "april": "april", "apr": "april", "may": "may", "june": "june", "jun": "june",
        "july": "july", "jul": "july", "august": "august", "aug": "august", "september": "september",
        "sep": "september", "sept": "september", "october": "october", "oct": "october", "november": "november",
        "nov": "november", "december": "december", "dec": "december",
    ]

    /// Number words share their key with digits, so "three" and "3" (and "thrice") state the same thing.
    static let numberWords: [String: String] = [
        "zero": "0", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
        "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "dozen": "12", "thirteen": "13", "fourteen": "14",
        "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
        "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
        "hundred": "100", "thousand": "1000", "million": "1e6", "billion": "1e9", "trillion": "1e12",
        "twice": "2", "thrice": "3", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
        "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10", "double": "2", "triple": "3", "quarter": "0.25",
    ]

    /// Multipliers written after a number ("$5.5bn", "$5.5 billion").
    static let multipliers: [String: String] = [
        "bn": "billion", "b": "billion", "billion": "billion", "mn": "million", "m": "million", "million": "million",
        "k": "thousand", "thousand": "thousand", "tn": "trillion", "trillion": "trillion", "crore": "crore",
        "cr": "crore", "lakh": "lakh",
    ]

    /// The values of `multipliers`, so a token can name its multiplier by index.
    static let multiplierNames = ["billion", "million", "thousand", "trillion", "crore", "lakh"]
    static let multiplierFactors: [Double] = [1e9, 1e6, 1e3, 1e12, 1e7, 1e5]

    static let ordinalSuffixes: Set<String> = ["st", "nd", "rd", "th"]

    /// Words that open a line of boilerplate: photo credits, captions, bylines.
    static let creditLabels: Set<String> = [
        "credit", "credits", "photo", "photos", "image", "images", "picture", "pictures", "pic", "caption",
        "file", "representational", "video", "watch", "also", "read", "follow", "subscribe", "advertisement",
        "illustration", "graphic", "courtesy",
    ]
    static let bylineOpeners: Set<String> = ["reporting", "writing", "editing", "edited", "compiled", "additional", "written", "by"]
    static let datelineWords: Set<String> = ["date", "updated", "published", "posted", "last", "ist", "gmt", "utc", "edt", "est", "pst", "am", "pm"]
}
