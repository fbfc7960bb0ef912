// libFuzzer harness for the configuration loader (Sources/Config: the TOML parser and the typed checks), built by
// fuzz/build.sh. The daemon reads this file on start and on every SIGHUP; a bad file must give diagnostics, never
// a crash. Oracles: every diagnostic points inside the text (line 1...lines+1, column ≥ 1), and a configuration
// that loads still loads, with the same diagnostics, when read a second time (the loader keeps no state).
import Foundation
@testable import Config

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    // The bytes as the file edge hands them over: invalid UTF-8 is a diagnostic too.
    let text = String(decoding: bytes, as: UTF8.self)
    let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    let noFiles: ConfigLoader.FileReader = { _ in .failure(.init("the fuzzer reads no files")) }
    func load() -> Result<[ConfigDiagnostic], ConfigError> {
        do {
            let loaded = try ConfigLoader.parse(bytes: bytes, path: "/fuzz/tidings.toml", environment: [:],
                                                workingDirectory: "/fuzz", readFile: noFiles)
            return .success(loaded.1)
        } catch {
            return .failure(error)
        }
    }
    let first = load()
    let diagnostics: [ConfigDiagnostic]
    switch first {
    case .success(let warnings): diagnostics = warnings
    case .failure(let error):
        diagnostics = error.diagnostics
        if diagnostics.isEmpty { fatalError("a rejected configuration without any diagnostic: \(text.debugDescription)") }
    }
    for diagnostic in diagnostics where diagnostic.line != 0 {
        if diagnostic.line < 1 || diagnostic.line > lines || diagnostic.column < 1 {
            fatalError("diagnostic outside the text (\(lines) lines): \(diagnostic) for \(text.debugDescription)")
        }
    }
    if load() != first { fatalError("loading the same text twice differs: \(text.debugDescription)") }
    return 0
}
