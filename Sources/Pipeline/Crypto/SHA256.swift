import CCrypto

/// SHA-256 through OpenSSL's libcrypto (linked anyway through libcurl), so the daemon carries no cryptography of
/// its own. The inputs hashed here (alert ids, fact sentences, webhook bodies) are small, so the streaming form
/// collects bytes and hashes them once at `finalize`.
public struct SHA256: Sendable {
    public static let digestByteCount = 32

    private var pending: [UInt8] = []

    public init() {}

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        pending.append(contentsOf: bytes)
    }

    public mutating func update(_ string: String) { update(string.utf8) }

    public consuming func finalize() -> [UInt8] { Self.digest(pending) }

    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        digest(Array(bytes))
    }

    public static func hash(_ string: String) -> [UInt8] { digest(Array(string.utf8)) }

    private static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestByteCount)
        var length: UInt32 = 0
        let succeeded = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        // EVP_Digest fails only when the library cannot allocate a context: no way to go on correctly.
        precondition(succeeded == 1 && length == digestByteCount, "libcrypto SHA-256 failed")
        return digest
    }
}

/// HMAC (RFC 2104) over SHA-256, through libcrypto.
public enum HMACSHA256 {
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: SHA256.digestByteCount)
        var length: UInt32 = 0
        // libcrypto wants valid pointers even for empty inputs; the counts below say how much of each is used.
        let keyStorage = key.isEmpty ? [0] : key, messageStorage = message.isEmpty ? [0] : message
        let result = keyStorage.withUnsafeBufferPointer { keyBytes in
            messageStorage.withUnsafeBufferPointer { messageBytes in
                code.withUnsafeMutableBufferPointer { output in
                    HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(key.count), messageBytes.baseAddress, message.count,
                         output.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && length == SHA256.digestByteCount, "libcrypto HMAC-SHA256 failed")
        return code
    }

    public static func authenticationCode(key: String, message: String) -> [UInt8] {
        authenticationCode(key: Array(key.utf8), message: Array(message.utf8))
    }
}

public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func lowercase(_ bytes: [UInt8]) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
