import Testing
@testable import Config

/// `[coverage] settle` (issue 17): default 60 s, `0` in any spelling judges at once, at most a day, a duration.
@Suite("[coverage] settings")
struct CoverageSettingsTests {
    @Test func settleDefaultsToAMinuteAndZeroInAnySpellingTurnsItOff() throws {
        #expect(try ConfigFixture.load("").config.coverage.settle == 60)
        #expect(try ConfigFixture.load("[coverage]\nsettle = \"90s\"\n").config.coverage.settle == 90)
        for zero in ["0", "\"0\"", "\"0s\""] {
            #expect(try ConfigFixture.load("[coverage]\nsettle = \(zero)\n").config.coverage.settle == 0, "\(zero)")
        }
    }

    @Test func badSettleValuesAreErrorsAtTheirLine() {
        for text in ["\"2d\"", "\"soon\"", "30", "true"] {
            let errors = ConfigFixture.errors("[coverage]\nsettle = \(text)\n")
            #expect(errors.count == 1 && errors.first?.line == 2 && errors.first?.message.contains("settle") == true,
                    "\(text): \(errors)")
        }
    }

    @Test func unknownKeysAndAMisplacedSettleAreWarned() {
        #expect(ConfigFixture.warnings("[coverage]\nsetle = \"5s\"\n").contains { $0.message.contains("did you mean \"settle\"") })
        #expect(ConfigFixture.warnings("settle = \"5s\"\n").contains { $0.message.contains("[coverage]") })
    }
}

@Suite("[coverage] reload")
struct CoverageReloadTests {
    @Test func aChangedSettleWindowIsAChange() throws {
        let before = try ConfigFixture.load("[coverage]\nsettle = \"60s\"\n").config
        let after = try ConfigFixture.load("[coverage]\nsettle = \"5s\"\n").config
        #expect(ConfigChanges(from: before, to: after).coverageChanged)
        #expect(ConfigChanges(from: before, to: before).isEmpty)
    }
}
