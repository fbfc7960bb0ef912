import ArgumentParser
import Config
import DaemonRuntime
import Foundation
import Pipeline
import Store

struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Render the digest of recent alerts, or queue it for the e-mail sinks.",
        discussion: """
            Groups the alerts of the last --since (default 24h) per topic and event, newest event first, each \
            event with its new facts once, as the digest e-mails do. --print writes it to stdout; without it the \
            digest is queued for every configured e-mail sink (their topic filters apply) and the running daemon \
            (or the next `tidings poll --once`) sends it. Exit status: 0 done, 1 the store cannot be read or no \
            e-mail sink to queue for, 2 usage error, 78 bad configuration.
            """)

    @OptionGroup var configPath: ConfigPathOption

    @Option(name: .long, help: ArgumentHelp("How far back: 30m, 24h, 7d, 365d.", valueName: "duration"))
    var since = "24h"

    @Option(name: .long, help: ArgumentHelp("Only this topic (repeatable).", valueName: "name"))
    var topic: [String] = []

    @Flag(name: .long, help: "Print the digest instead of queueing it.")
    var print = false

    func validate() throws {
        if case .failure(let failure) = DurationParser.parse(since) { throw ValidationError("--since: \(failure)") }
    }

    func run() async throws {
        let config = try configPath.loadRuntimeConfig(needSecrets: false)
        let known = Set(config.config.topics.map(\.name))
        for name in topic where !known.contains(name) {
            StandardError.print("tidings digest: --topic \(name): no such topic (configured: \(known.sorted().joined(separator: ", ")))")
            throw ExitCode(2)
        }
        guard case .success(let seconds) = DurationParser.parse(since) else { throw ExitCode(2) }
        let until = Date()
        let start = until.addingTimeInterval(-TimeInterval(seconds))
        let chosen = topic.isEmpty ? nil : Set(topic)
        let settings = config.config.store
        if case .sqlite(let file) = settings.backend, !FileManager.default.fileExists(atPath: file) {
            StandardError.print("tidings digest: no store at \(file) yet (no daemon has run on it)")
            throw ExitCode(1)
        }
        let store: any Store
        do { store = try Services.openStore(settings) } catch {
            StandardError.print("tidings digest: cannot open the store \(settings.displayName): \(error)")
            throw ExitCode(1)
        }
        defer { store.close() }
        let sinks: SinkSet
        do { sinks = try SinkSet(config.config.alerts.filter { $0.typeName == "email" }, feeds: config.config.feeds, eventPageBase: config.config.http.pageBase) } catch {
            StandardError.print("tidings digest: \(error)")
            throw ExitCode(1)
        }
        let emailSinks = sinks.sinks.compactMap { sink -> (String, EmailSink)? in
            if case .email(let name, let email) = sink { return (name, email) }
            return nil
        }
        do {
            if print {
                let context = emailSinks.first?.1.context ?? MailContext(from: "", to: [],
                                                                          feeds: config.config.feeds, eventPageBase: nil)
                let digest = try DigestQueue.digest(store: store, since: start, until: until, topics: chosen, context: context)
                Swift.print(DigestMail.text(digest, context: context), terminator: "")
                return
            }
            guard !emailSinks.isEmpty else {
                StandardError.print("tidings digest: no [[alert]] type = \"email\" sink to queue the digest for (use --print to see it)")
                throw ExitCode(1)
            }
            for (name, sink) in emailSinks {
                let topics = chosen.map { wanted in sink.topics.map { wanted.intersection($0) } ?? wanted } ?? sink.topics
                let digest = try DigestQueue.digest(store: store, since: start, until: until, topics: topics, context: sink.context)
                let id = DigestQueue.digestID(sink: name, end: until)
                try store.write { _ = try $0.enqueueAlert(id: id, created: until, sinks: [name], payload: digest.json()) }
                Swift.print("queued for \(name): \(digest.eventCount) event\(digest.eventCount == 1 ? "" : "s"), \(digest.factCount) new fact\(digest.factCount == 1 ? "" : "s")")
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            StandardError.print("tidings digest: \(error)")
            throw ExitCode(1)
        }
    }
}
