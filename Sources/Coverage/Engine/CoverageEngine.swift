import Foundation

/// Topic matching, online event grouping and new-fact detection over a stream of articles.
///
/// Feed it articles in arrival order through `judge`. Per article the cost is bounded by the article's length
/// and the number of events still open on its topics, never by how many articles came before: events older
/// than the window expire, and novelty is decided against each event's fact index (a hash set of fact units)
/// rather than by comparing sentences pairwise.
public struct CoverageEngine {
    public let topics: [Topic]
    public var options: CoverageOptions
    private var statistics = TermStatistics()
    private var events: [String: [EventMemory]] = [:]
    private var latestPublished: Date = .distantPast
    private var judgedSinceExpiry = 0
    private var lastExpiry: Date = .distantPast
    private var unitCache = UnitCache()
    /// False after `load` brought events into an engine whose statistics have counted nothing.
    private var statisticsCoverEvents = true

    /// When set, `judge` reports why it decided as it did (one line per sentence), for `replay --explain`.
    public var explain: ((String) -> Void)? {
        didSet { unitCache.labels = explain == nil ? nil : (unitCache.labels ?? [:]) }
    }

    /// The topics' compiled queries, in topic order.
    private let queries: [CompiledQuery]
    /// Every word the topics ask about: an article keeps only those tokens for matching.
    private let vocabulary: MatchVocabulary

    public init(topics: [Topic], options: CoverageOptions = .init()) {
        self.topics = topics
        self.queries = topics.map(\.query.compiled)
        self.vocabulary = MatchVocabulary(queries: topics.map(\.query))
        self.options = options
        for t in topics { events[t.name] = [] }
    }

    // MARK: judging

    public mutating func judge(_ article: Article) -> Decision {
        let doc = MatchableText(title: article.title, text: article.text, vocabulary: vocabulary)
        // Queries are read in place: filtering `topics` copied every Topic (and retained its fields) per article.
        var matched: [Topic] = []
        queries.withUnsafeBufferPointer { queries in
            for i in queries.indices where queries[i].matches(doc) { matched.append(topics[i]) }
        }
        if article.published > latestPublished { latestPublished = article.published }

        // Off-topic articles (most of a general feed) cost only tokenizing and query matching: IDF weights are
        // learnt from the on-topic stream, which is what events are told apart within.
        var verdicts: [TopicVerdict] = []
        if !matched.isEmpty {
            let analysis = FactExtractor.analyze(title: ScalarText.scalars(of: article.title), text: ScalarText.scalars(of: article.text),
                                                 cache: &unitCache)
            // The article's distinct terms, each later mapped to its document frequency (one small table for both).
            var documentKeys = UInt64Map<UInt32>(minimumCapacity: 256)
            var distinct: [UInt64] = []
            distinct.reserveCapacity(256)
            for u in analysis.titleUnits where documentKeys.insertIfAbsent(u.key, 0) { distinct.append(u.key) }
            for s in analysis.sentences { for u in s.units where documentKeys.insertIfAbsent(u.key, 0) { distinct.append(u.key) } }
            var frequencies: UInt64Map<UInt32>?
            if let counts = statistics.add(document: distinct) {
                for (k, c) in zip(distinct, counts) { documentKeys[k] = c }
                frequencies = documentKeys
            }
            let vector = groupingVector(analysis, frequencies: frequencies)
            // A term no other article has stated (document frequency 1) is in no event's centroid, so it can add
            // nothing to a similarity: the cut on the heaviest terms looks past it. Only when the statistics cover every
            // remembered event (not right after events were loaded without them).
            var unmatched: [Bool] = []
            if statisticsCoverEvents, let frequencies {
                unmatched = vector.map { frequencies[$0.key] == 1 }
            }
            let reportable = analysis.reportableSentences()
            let subject = analysis.subjectNames()
            let arguments = analysis.leadArguments()
            for topic in matched {
                verdicts.append(judge(article, analysis: analysis, vector: vector, unmatched: unmatched, reportable: reportable,
                                      subject: subject, arguments: arguments, topic: topic.name))
            }
        }
        judgedSinceExpiry += 1
        // Expire every 64 articles, or sooner when stream time moved a quarter of the expiry age.
        if let age = options.automaticExpiry,
           judgedSinceExpiry >= 64 || latestPublished.timeIntervalSince(lastExpiry) > age / 4 {
            judgedSinceExpiry = 0
            lastExpiry = latestPublished
            expire(before: latestPublished.addingTimeInterval(-age))
        }
        return Decision(articleID: article.id, topics: matched.map(\.name), verdicts: verdicts)
    }

    /// Weighted terms of an article for grouping: names and numbers weigh more than words, the headline and lead
    /// more than the body, rare terms (online IDF) more than common ones. Unit length.
    /// `frequencies`: this article's terms with their document frequencies, as `TermStatistics.add` just counted
    /// them (read here rather than from the big table).
    private func groupingVector(_ analysis: AnalyzedArticle, frequencies: UInt64Map<UInt32>?) -> [(key: UInt64, weight: Float)] {
        var raw = UInt64Map<Float>(minimumCapacity: 256)
        for u in analysis.titleUnits { raw.update(u.key, initial: 0) { $0 + u.kind.clusterWeight * 2 } }
        for s in analysis.sentences where s.isFact {
            let lead: Float = s.line == 0 ? 1.5 : 1
            for u in s.units { raw.update(u.key, initial: 0) { $0 + u.kind.clusterWeight * lead } }
        }
        var vector: [(key: UInt64, weight: Float)] = []
        vector.reserveCapacity(raw.count)
        raw.forEach { key, value in
            let idf = frequencies?[key].map { statistics.idf(frequency: $0) } ?? statistics.idf(key)
            vector.append((key: key, weight: value.squareRoot() * idf))
        }
        let norm = vector.reduce(Float(0)) { $0 + $1.weight * $1.weight }.squareRoot()
        if norm > 0 { for i in vector.indices { vector[i].weight /= norm } }
        return Self.sortedByWeight(vector)
    }

    /// `vector` stably sorted by descending weight. Positive finite Floats order as their bit patterns do, so each
    /// term becomes one integer (inverted weight bits, then position) and plain integers are sorted: the same
    /// order as the stable sort with a comparison closure, at a fraction of its cost.
    static func sortedByWeight(_ vector: [(key: UInt64, weight: Float)]) -> [(key: UInt64, weight: Float)] {
        var packed: [UInt64] = []
        packed.reserveCapacity(vector.count)
        for (i, term) in vector.enumerated() {
            guard term.weight > 0, term.weight.isFinite else {
                return vector.enumerated().sorted { a, b in
                    a.element.weight > b.element.weight || (a.element.weight == b.element.weight && a.offset < b.offset)
                }.map(\.element)
            }
            packed.append(UInt64(~term.weight.bitPattern) << 32 | UInt64(i))
        }
        packed.withUnsafeMutableBufferPointer { IntegerSort.sort($0, depthLimit: 2 * Int.bitWidth) }
        return packed.map { vector[Int($0 & 0xFFFF_FFFF)] }
    }

    private mutating func judge(_ article: Article, analysis: AnalyzedArticle, vector: [(key: UInt64, weight: Float)],
                                unmatched: [Bool], reportable: [Int], subject: SubjectNames, arguments: [UInt64],
                                topic: String) -> TopicVerdict {
        let options = self.options
        let explain = self.explain
        let labels = unitCache.labels
        // Events are updated in place: copying an event would copy its whole fact index (copy-on-write).
        // The heaviest terms that other articles have stated too, compared first: an event sharing almost none
        // of them is not worth the full comparison (most open events of a topic are unrelated to the article).
        // Terms no other article has stated are in no event (see `unmatched`): a cut on the heaviest terms
        // including them lost every follow-up whose rarest terms were new names, at any size of event.
        var head: [Int] = []
        head.reserveCapacity(Self.headTerms)
        for i in vector.indices where unmatched.isEmpty || !unmatched[i] {
            head.append(i)
            if head.count == Self.headTerms { break }
        }
        let joined = events[topic, default: []].withUnsafeMutableBufferPointer { list -> TopicVerdict? in
            var choice = CandidateChoice(clearMargin: options.clearMargin)
            // Built only for a late candidate the article clears (rare): most articles never need it.
            var strongKeys: UInt64Set?
            for i in list.indices {
                // Distance in time from the event's span; articles may arrive out of order.
                let after = article.published.timeIntervalSince(list[i].lastSeen)
                let before = list[i].firstSeen.timeIntervalSince(article.published)
                let gap = max(after, before, 0)
                if gap > options.eventWindow { continue }
                // A continuation: no headline, from the feed of the event's latest article, minutes after it (wire
                // copy sent in takes). What it adds is new by design, so it shares less with the event: the bar is
                // lowered, unless it opens with a subject the event never named. Only for an event opened under a
                // headline: in a feed whose items never have one (posts), an untitled item is no continuation.
                let continuation = after >= 0 && after <= options.continuationWindow && !article.feed.isEmpty
                    && article.feed == list[i].lastFeed && article.title.allSatisfy(\.isWhitespace)
                    && !list[i].title.allSatisfy(\.isWhitespace)
                // An article about the event's own people needs less the same day (`knownSubjectRiseHours`).
                let usual = options.similarityNeeded(afterGap: gap)
                let knownSubjectBar = subject.keys.isEmpty ? usual : options.similarityNeeded(afterGap: gap, knownSubject: true)
                // The cheap cut first, against the lowest bar the article could face: most open events are
                // unrelated, and whether the subject is new is only asked of the rest.
                let headSimilarity = Double(list[i].similarity(to: vector, at: head))
                if headSimilarity < knownSubjectBar * (continuation ? options.continuationBarFactor : 1) * 0.2 { continue }
                let newSubject = list[i].isNewSubject(subject)
                var needed = newSubject ? usual : knownSubjectBar
                if continuation && !newSubject { needed *= options.continuationBarFactor }
                if headSimilarity < needed * 0.2 { continue }
                var similarity = Double(list[i].similarity(to: vector))
                let rawSimilarity = similarity
                // About someone the event never named: less likely the same event, however much else is shared.
                if similarity >= needed && newSubject {
                    explain?(String(format: "  [%@] candidate %@ sim %.3f, new subject %@", topic, list[i].id, similarity,
                                    subject.keys.map { labels?[$0] ?? "?" }.joined(separator: ",")))
                    similarity *= options.newSubjectFactor
                }
                // An opening line about other people, places and figures than the event's: another event of its kind.
                if similarity >= needed && arguments.count >= options.newArgumentsNeeded {
                    let fresh = list[i].newArguments(arguments)
                    if fresh >= options.newArgumentsNeeded {
                        explain?(String(format: "  [%@] candidate %@ sim %.3f, %d new lead arguments", topic, list[i].id, similarity, fresh))
                        similarity *= options.newArgumentsFactor
                    }
                }
                // Days after the event's latest article, sharing mostly the story's ordinary words: its next development.
                if similarity >= needed && after > options.lateJoinAfter {
                    let strong = strongKeys ?? analysis.strongKeys()
                    strongKeys = strong
                    if let share = list[i].strongShare(of: vector, strong: strong), share < options.lateJoinStrongShare {
                        explain?(String(format: "  [%@] candidate %@ sim %.3f, %.1f days on, names and numbers carry %.2f",
                                        topic, list[i].id, similarity, after / 86_400, share))
                        similarity *= options.lateJoinFactor
                    }
                }
                // Far less similar than the event's own follow-ups were when they joined, and opening like another
                // event (a new subject, or names and figures the event never stated): the other event of a look-alike pair.
                if similarity >= needed, let usual = list[i].usualJoinSimilarity, rawSimilarity < options.outlierShare * usual,
                   newSubject || list[i].newArguments(arguments) >= options.outlierNewArguments {
                    explain?(String(format: "  [%@] candidate %@ sim %.3f, outlier: %.3f against a usual %.3f", topic, list[i].id,
                                    similarity, rawSimilarity, usual))
                    similarity *= options.outlierFactor
                }
                explain?(String(format: "  [%@] candidate %@ sim %.3f needed %.3f  (%@)", topic, list[i].id, similarity, needed, list[i].title))
                choice.offer(i, similarity: similarity, needed: needed, raw: rawSimilarity)
            }
            guard let index = choice.chosen, let joinSimilarity = choice.chosenRawSimilarity else { return nil }
            var reported: [String] = []
            for i in reportable {
                let s = analysis.sentences[i]
                let (novel, why) = Novelty.judge(s, known: list[index].known, options: options, labels: explain == nil ? nil : labels)
                explain?("    \(novel ? "NEW " : "old ") \(why) | \(s.text.prefix(110))")
                if novel { reported.append(s.text) }
            }
            list[index].noteJoin(similarity: joinSimilarity, reprintSimilarity: options.reprintSimilarity)
            Self.learn(analysis, vector: vector, published: article.published, feed: article.feed, into: &list[index], options: options)
            let event = list[index]
            let verdict: Verdict = reported.isEmpty ? .noNewFacts : .newFacts
            explain?("  [\(topic)] \(verdict.rawValue) \(event.id) (\(event.articleCount) articles)")
            return TopicVerdict(topic: topic, eventID: event.id, verdict: verdict, newFacts: reported,
                                eventTitle: event.title, eventFirstSeen: event.firstSeen, eventArticleCount: event.articleCount)
        }
        if let joined { return joined }

        // No event close enough: this article opens one.
        do {
            var event = EventMemory(id: EventMemory.makeID(topic: topic, firstArticleID: article.id), topic: topic,
                                    title: article.title, firstSeen: article.published)
            let reported = reportable.map { analysis.sentences[$0].text }
            Self.learn(analysis, vector: vector, published: article.published, feed: article.feed, into: &event, options: options)
            explain?("  [\(topic)] new_event \(event.id)")
            events[topic, default: []].append(event)
            return TopicVerdict(topic: topic, eventID: event.id, verdict: .newEvent, newFacts: reported,
                                eventTitle: event.title, eventFirstSeen: event.firstSeen, eventArticleCount: 1)
        }
    }

    /// How many of an article's heaviest terms are compared with every open event before the full comparison.
    static let headTerms = 12

    /// Adds an article's fact units, word triples and grouping terms to its event.
    private static func learn(_ analysis: AnalyzedArticle, vector: [(key: UInt64, weight: Float)], published: Date, feed: String,
                              into event: inout EventMemory, options: CoverageOptions) {
        if event.known.count < options.maximumKnownUnits {
            for s in analysis.sentences where s.isFact {
                for u in s.units { event.known.insert(u.key) }
                for g in s.grams { event.known.insert(g) }
                for k in s.aliases.keys { event.known.insert(k) }
            }
        }
        event.absorb(vector: vector, maximumTerms: options.maximumCentroidTerms)
        event.articleCount += 1
        if published >= event.lastSeen || event.articleCount == 1 {
            event.lastSeen = max(published, event.lastSeen)
            event.lastFeed = feed
        }
    }

    // MARK: memory

    /// Drops events whose latest article is older than `cutoff`.
    public mutating func expire(before cutoff: Date) {
        for (topic, list) in events where list.contains(where: { $0.lastSeen < cutoff }) {
            events[topic] = list.filter { $0.lastSeen >= cutoff }
        }
    }

    /// Events currently remembered for `topic`, for the store.
    public func eventStates(topic: String) -> [EventState] { (events[topic] ?? []).map(\.state) }

    /// Restores events saved by `eventStates` (this daemon's or another's); an event already known by id is
    /// replaced by the loaded state.
    public mutating func load(_ states: [EventState], topic: String) {
        var list = events[topic] ?? []
        for state in states where state.topic == topic {
            let memory = EventMemory(state: state)
            if let i = list.firstIndex(where: { $0.id == state.id }) { list[i] = memory } else { list.append(memory) }
            if state.lastSeen > latestPublished { latestPublished = state.lastSeen }
        }
        list.sort { $0.firstSeen < $1.firstSeen }
        events[topic] = list
        // Events loaded into an engine that has counted nothing (statistics never saved, or lost) hold terms the
        // statistics do not know; loaded beside statistics that counted them (the daemon restores both from the
        // store every cycle), they are taken as counted.
        if !states.isEmpty && statistics.documents == 0 { statisticsCoverEvents = false }
    }

    /// The online IDF table; persist it with the events so weights survive a restart.
    public var termStatistics: TermStatistics {
        get { statistics }
        set {
            statistics = newValue
            if newValue.documents > 0 { statisticsCoverEvents = true }
        }
    }

    /// Number of events remembered across all topics.
    public var eventCount: Int { events.values.reduce(0) { $0 + $1.count } }
}

/// The new-fact rule for one sentence against what its event already knows.
///
/// New: a name, number, date, month, weekday or code the event has not stated; a quotation whose wording the
/// event has not carried; or enough new content words, making up enough of the sentence, that it is not a
/// rewording. Embedded posts restate the article around them, so only a new name, number or date counts there.
enum Novelty {
    static func judge(_ sentence: AnalyzedSentence, known: UInt64Set, options: CoverageOptions, labels: [UInt64: String]? = nil) -> (Bool, String) {
        let explaining = labels != nil
        var newStrong = 0, newWords = 0
        var newLabels: [String] = []
        let total = sentence.units.count
        // Units the event knows under another spelling (`Aliases`): known for every rule below.
        var knownAsAlias: [UInt64] = []
        // The longest run of new content words next to each other (units are in sentence order): a new claim in
        // ordinary words is a new phrase — "signed private compensation agreements with passengers" — while a
        // rewrite of a known fact swaps single words between known ones ("penalised" for "fined").
        var run = 0, longestRun = 0
        for u in sentence.units {
            if known.contains(u.key) {
                run = 0
                continue
            }
            if sentence.aliases.anyKnown(for: u.key, in: known) {
                knownAsAlias.append(u.key)
                run = 0
                continue
            }
            if u.kind.isStrong {
                newStrong += 1
            } else {
                newWords += 1
                run += 1
                longestRun = max(longestRun, run)
            }
            if explaining { newLabels.append(labels?[u.key] ?? "?") }
        }
        func isKnown(_ key: UInt64) -> Bool { known.contains(key) || knownAsAlias.contains(key) }
        var newQuote = false
        for quote in sentence.quotes {
            // Quoted words in a new order, and some of them new: a quote cut or spliced differently from one
            // already carried ("unwavering support ... in its fight") is not new.
            let knownGrams = quote.grams.reduce(0) { $0 + (known.contains($1) ? 1 : 0) }
            let newKeys = Set(quote.keys.filter { !isKnown($0) }).count
            if Double(knownGrams) < options.knownQuoteShare * Double(quote.grams.count) && newKeys >= options.minimumNewWords {
                newQuote = true
            }
        }
        // A word or short phrase quoted from someone, not carried before: their own words ("called the ferry
        // “seaworthy”", "branded the ruling “unlawful”"). A rewrite keeps a known quote's words.
        let newShortQuote = sentence.shortQuotes.contains { !isKnown($0) }
        let share = total == 0 ? 0 : Double(newWords) / Double(total)
        // A clause of its own that is mostly new: "…, which was a series of precision strikes on …".
        var newClause = false
        if newWords >= options.minimumNewWordsInClause {
            for clause in sentence.clauses where clause.count >= options.minimumNewWordsInClause + 1 {
                let fresh = clause.reduce(0) { $0 + (isKnown($1) ? 0 : 1) }
                if fresh >= options.minimumNewWordsInClause && Double(fresh) >= options.minimumNewWordShare * Double(clause.count) {
                    newClause = true
                    break
                }
            }
        }
        var novel: Bool
        if sentence.isEmbeddedPost {
            novel = newStrong > 0
        } else {
            novel = newStrong > 0 || newQuote || newShortQuote || newClause
                || (newWords >= options.minimumNewWords && share >= options.minimumNewWordShare)
                || longestRun >= options.minimumNewWordRun
        }
        // A new phrase in a sentence that repeats no phrase of the event: a sentence of its own, not a rewrite.
        var newWording = false
        if !novel && !sentence.isEmbeddedPost && longestRun >= options.minimumNewWordRunInNewWording && sentence.quotes.isEmpty
            && !sentence.grams.contains(where: { known.contains($0) }) {
            newWording = true
            novel = true
        }
        guard explaining else { return (novel, "") }
        let why = "strong \(newStrong) words \(newWords)/\(total) run \(longestRun) quote \(newQuote) short quote \(newShortQuote) clause \(newClause) new wording \(newWording) post \(sentence.isEmbeddedPost) new \(newLabels)"
        return (novel, why)
    }
}

/// Sorting distinct UInt64s in place: quicksort with a median of three, insertion sort for short runs, and the
/// standard library's sort past a depth limit (so no input makes it quadratic). The generic standard sort cost
/// several times as much per comparison on these short arrays. Keys are distinct, so any correct sort gives the
/// same order.
enum IntegerSort {
    static func sort(_ a: UnsafeMutableBufferPointer<UInt64>, depthLimit: Int) {
        var a = a
        var depth = depthLimit
        while a.count > 16 {
            if depth == 0 {
                a.sort()
                return
            }
            depth -= 1
            let n = a.count
            let mid = n / 2
            if a[mid] < a[0] { a.swapAt(mid, 0) }
            if a[n - 1] < a[0] { a.swapAt(n - 1, 0) }
            if a[n - 1] < a[mid] { a.swapAt(n - 1, mid) }
            let pivot = a[mid]
            var i = 0, j = n - 1
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Recurse on the smaller side, loop on the larger: the stack stays logarithmic.
            let left = UnsafeMutableBufferPointer(rebasing: a[0..<(j + 1)])
            let right = UnsafeMutableBufferPointer(rebasing: a[i..<n])
            if left.count < right.count {
                sort(left, depthLimit: depth)
                a = right
            } else {
                sort(right, depthLimit: depth)
                a = left
            }
        }
        if a.count < 2 { return }
        for k in 1..<a.count {
            let x = a[k]
            var m = k
            while m > 0 && a[m - 1] > x {
                a[m] = a[m - 1]
                m -= 1
            }
            a[m] = x
        }
    }
}

