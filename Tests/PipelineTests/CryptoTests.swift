import Testing
@testable import Pipeline

@Suite struct SHA256Tests {
    // FIPS 180-4 / NIST CSRC example vectors.
    @Test func knownDigests() {
        #expect(Hex.lowercase(SHA256.hash("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.lowercase(SHA256.hash("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.lowercase(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Hex.lowercase(SHA256.hash(
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"))
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func millionAsFedInPieces() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(Hex.lowercase(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func paddingBoundaries() {
        // Lengths around 56 and 64 bytes straddle the length field; split feeding matches one-shot hashing.
        for length in [55, 56, 63, 64, 65, 119, 120] {
            let bytes = [UInt8](repeating: 0x61, count: length)
            var split = SHA256()
            split.update(bytes.prefix(7))
            split.update(bytes.dropFirst(7))
            #expect(split.finalize() == SHA256.hash(bytes), "length \(length)")
        }
    }
}

@Suite struct HMACTests {
    private func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    // RFC 4231 test cases 1, 2, 3, 4, 6, 7 (case 5 is truncated output).
    @Test func rfc4231() {
        let cases: [([UInt8], [UInt8], String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (bytes(hex: "0102030405060708090a0b0c0d0e0f10111213141516171819"), [UInt8](repeating: 0xcd, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            ([UInt8](repeating: 0xaa, count: 131),
             Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (key, message, expected) in cases {
            #expect(Hex.lowercase(HMACSHA256.authenticationCode(key: key, message: message)) == expected)
        }
    }

    @Test func webhookSignatureCoversTimestampAndBody() {
        let secret = Array("s3cret".utf8)
        let headers = WebhookHeaders.make(alertID: "01ABC", body: #"{"a":1}"#, secret: secret, unixTime: 1_700_000_000)
        let byName = Dictionary(headers, uniquingKeysWith: { a, _ in a })
        #expect(byName["Idempotency-Key"] == "01ABC")
        #expect(byName["X-Tidings-Timestamp"] == "1700000000")
        let expected = "sha256=" + Hex.lowercase(HMACSHA256.authenticationCode(key: "s3cret", message: #"1700000000.{"a":1}"#))
        #expect(byName["X-Tidings-Signature"] == expected)
        // Without a secret: no signature headers, still the idempotency key.
        let unsigned = Dictionary(WebhookHeaders.make(alertID: "01ABC", body: "{}", secret: nil, unixTime: 1), uniquingKeysWith: { a, _ in a })
        #expect(unsigned["X-Tidings-Signature"] == nil)
        #expect(unsigned["Idempotency-Key"] == "01ABC")
    }
}

@Suite struct EmptyInputCryptoTests {
    // Empty inputs reach libcrypto through placeholder pointers; the digests must be those of empty input.
    @Test func emptyKeyAndMessage() {
        #expect(Hex.lowercase(HMACSHA256.authenticationCode(key: [], message: []))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
        #expect(Hex.lowercase(HMACSHA256.authenticationCode(key: Array("key".utf8), message: []))
                == "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0")
    }
}
