// libFuzzer harness for the Content-Encoding decoders (Sources/Feeds/Fetching/ContentDecoding.swift: gzip and
// deflate through libdeflate, br, zstd, stacked codings), built by fuzz/build.sh. Every fetched body passes here
// before anything else reads it. The first input byte picks the coding(s) and the limit, the rest is the body.
// Oracles: nothing decoded ever passes the limit; for one coding, a body that decodes to N bytes decodes to the
// same N bytes with the limit at exactly N, and fails with the limit at N - 1 (the bound is exact, not "about").
@testable import Feeds

private let codings = ["gzip", "deflate", "br", "zstd", "x-gzip", "gzip, br", "deflate, zstd", "identity, gzip"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let selector = Int(data[0])
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let coding = codings[selector % codings.count]
    let limit = [1 << 20, 4096, 64, 1][(selector / codings.count) % 4]
    switch ContentDecoding.decode(body, contentEncoding: coding, limit: limit) {
    case .failure:
        return 0
    case .success(let decoded):
        if decoded.count > limit { fatalError("\(coding): decoded \(decoded.count) bytes past the limit \(limit)") }
        guard !coding.contains(","), !decoded.isEmpty else { return 0 }
        guard case .success(let exact) = ContentDecoding.decode(body, contentEncoding: coding, limit: decoded.count),
              exact == decoded else {
            fatalError("\(coding): \(decoded.count) bytes under limit \(limit), but not with the limit at exactly that")
        }
        if case .success = ContentDecoding.decode(body, contentEncoding: coding, limit: decoded.count - 1) {
            fatalError("\(coding): \(decoded.count) bytes decoded under a limit of \(decoded.count - 1)")
        }
    }
    return 0
}
