import Foundation
import Support
import Testing
import TestSupport

/// The shared helpers: stored keys depend on `StableHash` never changing, and every JSON the product prints on
/// `JSONString`, so both are pinned to outside references (FNV-1a's published vectors, Foundation's JSON reader).
struct StableHashTests {
    @Test func matchesThePublishedFNV1aVectors() {
        #expect(StableHash.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.hash("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.hash("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func stepsAndSeedsComposeLikeOneHash() {
        let whole = StableHash.hash("tag:value")
        #expect(StableHash.hash("value", seed: StableHash.hash("tag:")) == whole)
        #expect(Array("tag:value".utf8).reduce(StableHash.offset, StableHash.step) == whole)
        #expect(StableHash.hex(0xab, digits: 16) == "00000000000000ab")
        #expect(StableHash.hex(0x0123_4567_89ab_cdef, digits: 12) == "0123456789ab")
    }
}

struct JSONStringTests {
    static let awkward = "quote \" back \\ nl \n cr \r tab \t bs \u{08} ff \u{0C} nul \u{00} us \u{1F} "
        + "ls \u{2028} ps \u{2029} e2-not-ls \u{2030} é 日本 🎉 del \u{7F}"

    @Test func escapesControlsAndLineSeparatorsByTheirShortestNames() {
        let quoted = JSONString.quote(Self.awkward)
        #expect(quoted.contains(#"\b"#) && quoted.contains(#"\f"#) && quoted.contains(#"\u0000"#))
        #expect(quoted.contains(#"\u001f"#) && quoted.contains(#"\u2028"#) && quoted.contains(#"\u2029"#))
        #expect(!quoted.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" })
        #expect(quoted.contains("\u{2030}") && quoted.contains("🎉"))
    }

    @Test func writesTheseBytesExactly() {
        let cases: [(String, String)] = [
            ("", #""""#), ("plain", #""plain""#), ("\"\\", #""\"\\""#),
            ("a\nb\u{1F}c\u{2028}d\u{2029}", #""a\nb\u001fc\u2028d\u2029""#),
            ("x\u{E2}\u{2030}", "\"x\u{E2}\u{2030}\""), ("\u{7F}\u{08}\u{0C}\r\t", "\"\u{7F}\\b\\f\\r\\t\""),
        ]
        for (text, literal) in cases {
            var bytes: [UInt8] = []
            JSONString.append(text, to: &bytes)
            #expect(bytes == Array(literal.utf8), "\(text.debugDescription)")
            #expect(JSONString.quote(text) == literal, "\(text.debugDescription)")
        }
    }

    @Test func foundationReadsBackTheOriginal() throws {
        let data = Data(("[" + JSONString.quote(Self.awkward) + "]").utf8)
        let decoded = try JSONSerialization.jsonObject(with: data) as? [String]
        #expect(decoded == [Self.awkward])
    }
}

struct ISO8601TimeTests {
    @Test func readsUTCOffsetsAndFractions() {
        #expect(ISO8601Time.parse("1970-01-01T00:00:00Z")?.timeIntervalSince1970 == 0)
        #expect(ISO8601Time.parse("2025-07-01T12:40:00Z")?.timeIntervalSince1970 == 1_751_373_600)
        #expect(ISO8601Time.parse("2025-07-01T14:40:00+02:00")?.timeIntervalSince1970 == 1_751_373_600)
        #expect(ISO8601Time.parse("2025-07-01T07:40:00-0500")?.timeIntervalSince1970 == 1_751_373_600)
        #expect(ISO8601Time.parse("2025-07-01T12:40:00.25Z")?.timeIntervalSince1970 == 1_751_373_600.25)
        #expect(ISO8601Time.parse("2024-02-29 00:00:00")?.timeIntervalSince1970 == 1_709_164_800)
    }

    @Test func rejectsWhatIsNotOneTime() {
        for text in ["", "2025-07-01", "2025-13-01T00:00:00Z", "2025-07-01T24:00:00Z", "2025-07-01T12:40:00Q",
                     "2025-07-01T12:40:00Z trailing", "2025-07-01T12:40:00+2"] {
            #expect(ISO8601Time.parse(text) == nil, "\(text)")
        }
    }

    @Test func civilTimeRoundTrips() {
        for seconds: Int64 in [0, 951_782_400, 1_709_164_800, -86_400, 4_102_444_799] {
            let (y, m, d, h, mi, s) = CivilTime.components(fromUnix: seconds)
            #expect(Int64(CivilTime.days(year: y, month: m, day: d) * 86_400 + h * 3600 + mi * 60 + s) == seconds)
        }
        #expect(CivilTime.date(year: 2023, month: 2, day: 29) == nil)
    }
}

struct MallocArenaCountTests {
    /// One arena per thread that allocates all the time: the cooperative pool's (one per core), the fetch loop's
    /// and the writer's. Fewer made the threads take turns at the arenas' locks (issue 19).
    @Test func oneArenaPerCoreAndOneEachForTheFetchLoopAndTheWriter() {
        #expect(MallocTuning.arenaCount(cores: 2) == 4)
        #expect(MallocTuning.arenaCount(cores: 16) == 18)
        // sysconf's -1 (unknown) still leaves the two service threads and one pool thread their own.
        #expect(MallocTuning.arenaCount(cores: -1) == 3)
    }
}

/// `MallocTuning.limitArenas` fixes glibc's mmap threshold (issue 19): a block freed from its own mapping must not
/// raise the threshold, or later blocks of that size are carved from the arenas and fragment them.
///
/// Probed in a fresh process (`tidings-bench malloc-probe`): inside this runner the heap's free space, shaped by
/// other tests running at the same time, decides whether a block is mapped, whatever the threshold.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: TestPaths.benchBinary.path) || TestEnvironment.strict,
                "tidings-bench not built (swift build first)"))
struct MallocTuningTests {
    private struct Probe: Decodable { let supported: Bool; let largeMapped: Bool?; let blockMapped: Bool? }

    private func probe(_ arguments: [String]) throws -> Probe {
        let result = try runProcess(TestPaths.benchBinary, ["malloc-probe"] + arguments)
        #expect(result.status == 0, "malloc-probe: \(result.stderr)")
        return try JSONDecoder().decode(Probe.self, from: Data(result.stdout.utf8))
    }

    @Test func aFreedLargeBlockDoesNotRaiseTheMmapThreshold() throws {
        let tuned = try probe([])
        // Another libc (musl) has no mallopt: nothing is tuned, and its chunks are laid out otherwise.
        guard tuned.supported else { return }
        #expect(tuned.largeMapped == true)
        #expect(tuned.blockMapped == true, "a 512 KB block should still get its own mapping")
    }

    /// The control: with glibc's defaults the same sequence carves the 512 KB block from the heap, so the probe
    /// can tell the two apart.
    @Test func withoutTheTuningTheFreeRaisesTheThreshold() throws {
        let untuned = try probe(["--untuned"])
        guard untuned.supported else { return }
        #expect(untuned.largeMapped == true)
        #expect(untuned.blockMapped == false)
    }
}

/// Threads named for the kernel, so `top -H` and `perf` tell the fetch loop from the writer.
struct ThreadNameTests {
    /// The names of this process's threads as the kernel has them.
    private static func kernelThreadNames() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .newlines) }
    }

    @Test func aThreadNamesItselfAndLongNamesAreCut() async {
        let names = await withCheckedContinuation { (continuation: CheckedContinuation<(String, String, Bool), Never>) in
            let thread = Thread {
                ThreadName.setCurrent("tidings-test")
                let short = ThreadName.current
                let seenByKernel = Self.kernelThreadNames().contains("tidings-test")
                ThreadName.setCurrent("tidings-a-much-longer-name")
                continuation.resume(returning: (short, ThreadName.current, seenByKernel))
            }
            thread.start()
        }
        #expect(names.0 == "tidings-test")
        #expect(names.2, "the kernel does not list the name")
        #expect(names.1 == "tidings-a-much-")
    }
}
