import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Support

/// `tidings-bench malloc-probe`: does glibc still give a 512 KB block its own mapping after a mapped 4 MB block was
/// freed? With `MallocTuning.limitArenas` (the fixed mmap threshold) it must; `--untuned` is the control, where
/// glibc raises its threshold on that free and carves the 512 KB block from the heap.
///
/// Why a process of its own: whether a block is mapped also depends on the free space the heap already holds, so
/// the answer is only certain in a fresh, single-threaded process; inside the test runner, other tests' frees
/// decide it (the in-process test failed in CI for that reason).
struct MallocProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "malloc-probe",
        abstract: "Report whether glibc maps large blocks after a freed mapping (test driver).")

    @Flag(help: "Leave glibc's defaults (the control).") var untuned = false

    func run() throws {
        #if canImport(Glibc)
        // Another libc (musl) has no mallopt and lays chunks out otherwise: nothing to probe.
        guard GlibcSymbol.lookup("mallopt", as: UnsafeRawPointer.self) != nil else {
            print(#"{"supported":false}"#)
            return
        }
        // Called through pointers looked up at run time: the optimiser knows `malloc` and `free` and would drop a
        // pair whose block is never written (the release build then reads a header that was never allocated).
        typealias Allocate = @convention(c) (Int) -> UnsafeMutableRawPointer?
        typealias Release = @convention(c) (UnsafeMutableRawPointer?) -> Void
        guard let malloc = GlibcSymbol.lookup("malloc", as: Allocate.self),
              let free = GlibcSymbol.lookup("free", as: Release.self) else { throw ExitCode(70) }
        if !untuned { MallocTuning.limitArenas() }
        guard let large = malloc(4 << 20) else { throw ExitCode(70) }
        let largeMapped = Self.isMapped(large)
        free(large)   // by default this raises glibc's threshold to 4 MB
        guard let block = malloc(512 * 1024) else { throw ExitCode(70) }
        let blockMapped = Self.isMapped(block)
        free(block)
        print(#"{"supported":true,"largeMapped":\#(largeMapped),"blockMapped":\#(blockMapped)}"#)
        #else
        print(#"{"supported":false}"#)
        #endif
    }

    /// Whether glibc gave `block` a mapping of its own: the IS_MMAPPED bit (0x2) of the chunk's size word, just
    /// before the block (glibc's chunk layout).
    private static func isMapped(_ block: UnsafeMutableRawPointer) -> Bool {
        block.load(fromByteOffset: -MemoryLayout<Int>.size, as: UInt.self) & 0x2 != 0
    }
}
