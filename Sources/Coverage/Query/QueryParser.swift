/// Lexer and recursive-descent parser for topic queries; every error carries the 1-based column.
struct QueryParser {
    enum Kind: Equatable { case leftParen, rightParen, phrase, word, and, or, not }
    struct Lexeme { let kind: Kind; let text: String; let column: Int }

    let text: String
    private var lexemes: [Lexeme] = []
    private var index = 0
    private var endColumn = 1

    init(text: String) { self.text = text }

    mutating func parseQuery() throws(QueryError) -> QueryNode {
        lexemes = try lex()
        guard !lexemes.isEmpty else { throw error("the query is empty", at: 1) }
        let root = try parseOr()
        if index < lexemes.count {
            let extra = lexemes[index]
            let what = extra.kind == .rightParen ? "a ) without a matching (" : "unexpected \"\(extra.text)\""
            throw error(what, at: extra.column)
        }
        return root
    }

    private func error(_ message: String, at column: Int) -> QueryError {
        QueryError(message: message, position: column, query: text)
    }

    private mutating func lex() throws(QueryError) -> [Lexeme] {
        let chars = Array(text)
        endColumn = chars.count + 1
        var out: [Lexeme] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let column = i + 1
            if c == "(" { out.append(Lexeme(kind: .leftParen, text: "(", column: column)); i += 1; continue }
            if c == ")" { out.append(Lexeme(kind: .rightParen, text: ")", column: column)); i += 1; continue }
            if c == "\"" {
                var j = i + 1
                while j < chars.count && chars[j] != "\"" { j += 1 }
                guard j < chars.count else { throw error("a quoted phrase is not closed", at: column) }
                out.append(Lexeme(kind: .phrase, text: String(chars[(i + 1)..<j]), column: column))
                i = j + 1
                continue
            }
            var j = i
            while j < chars.count && !chars[j].isWhitespace && chars[j] != "(" && chars[j] != ")" && chars[j] != "\"" {
                j += 1
            }
            let word = String(chars[i..<j])
            let kind: Kind
            switch word {
            case "AND": kind = .and
            case "OR": kind = .or
            case "NOT": kind = .not
            default: kind = .word
            }
            out.append(Lexeme(kind: kind, text: word, column: column))
            i = j
        }
        return out
    }

    private var peek: Kind? { index < lexemes.count ? lexemes[index].kind : nil }

    private mutating func parseOr() throws(QueryError) -> QueryNode {
        var kids = [try parseAnd()]
        while peek == .or {
            index += 1
            kids.append(try parseAnd())
        }
        return kids.count == 1 ? kids[0] : .or(kids)
    }

    private mutating func parseAnd() throws(QueryError) -> QueryNode {
        var kids = [try parseUnary()]
        while let kind = peek {
            switch kind {
            case .and:
                index += 1
                kids.append(try parseUnary())
            case .not, .leftParen, .phrase, .word:
                kids.append(try parseUnary())  // side by side means AND
            default:
                return kids.count == 1 ? kids[0] : .and(kids)
            }
        }
        return kids.count == 1 ? kids[0] : .and(kids)
    }

    private mutating func parseUnary() throws(QueryError) -> QueryNode {
        if peek == .not {
            index += 1
            return .not(try parseUnary())
        }
        return try parseAtom()
    }

    private mutating func parseAtom() throws(QueryError) -> QueryNode {
        guard index < lexemes.count else {
            let after = lexemes.last.map { " after \"\($0.text)\"" } ?? ""
            throw error("the query ends too early: a term is missing\(after)", at: endColumn)
        }
        let lexeme = lexemes[index]
        index += 1
        switch lexeme.kind {
        case .leftParen:
            let inner = try parseOr()
            guard peek == .rightParen else {
                throw error("the ( opened here is never closed", at: lexeme.column)
            }
            index += 1
            return inner
        case .phrase, .word:
            return try term(lexeme)
        case .rightParen:
            throw error("a term is missing before )", at: lexeme.column)
        case .and, .or:
            throw error("\(lexeme.text) needs a term on its left", at: lexeme.column)
        case .not:
            throw error("NOT needs a term after it", at: lexeme.column)
        }
    }

    private func term(_ lexeme: Lexeme) throws(QueryError) -> QueryNode {
        let prefix = lexeme.text.hasSuffix("*")
        let body = prefix ? String(lexeme.text.dropLast()) : lexeme.text
        let words = WordTokenizer.tokens(in: body)
        guard !words.isEmpty else {
            let what = lexeme.kind == .phrase ? "the phrase" : "the term"
            throw error("\(what) \"\(lexeme.text)\" has no letters or digits", at: lexeme.column)
        }
        let patterns = words.enumerated().map { i, w in WordPattern(word: w, prefix: prefix && i == words.count - 1) }
        return .sequence(patterns)
    }
}
