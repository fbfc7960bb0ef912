import Testing
import TestSupport
@testable import Config

/// Damaged configuration files: loading must never crash, and every problem must point inside the file.
@Suite("Configuration: damaged input")
struct ConfigRobustnessTests {

    static let fragments: [String] = [
        "\"", "'", "[", "]", "[[", "]]", "{", "}", "=", ",", ".", "#", "\\", "\n", "\r\n", "\r", " ", "\t", "\"\"\"",
        "'''", "\\u00e9", "\\U0001F600", "1979-05-27", "07:32:00", "0x", "1_0", "inf", "nan", "true", "é", "\u{0}",
        "\u{7F}", "\u{2028}", "[[feed]]\n", "[[alert]]\n", "type = \"webhook\"\n", "url = \"", "interval = \"", "5m\"",
    ]

    @Test("600 mutations of the contract: a config or diagnostics inside the file, never a crash")
    func mutatedContract() {
        var generator = SplitMix64(seed: 20_261_122)
        let original = Array(ContractExample.text.unicodeScalars)
        var loaded = 0, rejected = 0
        for _ in 0..<600 {
            var scalars = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0...scalars.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0 where position < scalars.count:
                    scalars.remove(at: position)
                case 1:
                    let fragment = Self.fragments.randomElement(using: &generator)!
                    scalars.insert(contentsOf: fragment.unicodeScalars, at: position)
                default:
                    let start = Int.random(in: 0..<scalars.count, using: &generator)
                    let chunk = scalars[start..<min(scalars.count, start + Int.random(in: 1...20, using: &generator))]
                    scalars.insert(contentsOf: chunk, at: position)
                }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            let source = String(text)
            let lineCount = source.unicodeScalars.filter { $0 == "\n" }.count + 1
            do {
                _ = try ConfigFixture.load(source, environment: ["TIDINGS_WEBHOOK_SECRET": "k"])
                loaded += 1
            } catch {
                rejected += 1
                #expect(!error.errors.isEmpty)
                for diagnostic in error.diagnostics {
                    #expect((1...lineCount).contains(diagnostic.line), "\(diagnostic) in \(source.debugDescription)")
                    #expect(diagnostic.column >= 1)
                    #expect(!diagnostic.message.contains("\n") && !diagnostic.message.contains("\r"), "\(diagnostic)")
                }
            }
        }
        // Both outcomes must occur, or the mutations test nothing.
        #expect(loaded > 30, "loaded \(loaded)")
        #expect(rejected > 30, "rejected \(rejected)")
    }
}
