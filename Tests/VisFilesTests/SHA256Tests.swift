import Foundation
import Testing
import VisFiles

/// SHA-256 against the FIPS 180-2 / NIST example vectors, and the streaming paths against one-shot.
@Suite struct SHA256Tests {
    @Test func abc() {
        #expect(SHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func emptyMessage() {
        #expect(SHA256.hexDigest([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func twoBlockMessage448Bits() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(message.utf8.count * 8 == 448)
        #expect(SHA256.hexDigest(Array(message.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func millionAs() {
        #expect(SHA256.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Feeding the same bytes in uneven pieces (crossing block boundaries every way) gives the
    /// one-shot digest.
    @Test func streamingMatchesOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA256.hexDigest(bytes)
        for pieceSize in [1, 3, 55, 56, 63, 64, 65, 127, 999] {
            var hasher = SHA256()
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + pieceSize, bytes.count)
                hasher.update(bytes[offset..<end])
                offset = end
            }
            #expect(hasher.finalizeHex() == expected, "piece size \(pieceSize)")
        }
    }

    /// Message lengths around the padding boundary (55, 56, 64 bytes) differ from each other.
    @Test func paddingBoundariesGiveDistinctDigests() {
        let digests = [55, 56, 57, 63, 64, 65].map { SHA256.hexDigest([UInt8](repeating: 0x61, count: $0)) }
        #expect(Set(digests).count == digests.count)
        // 64 'a's: a published value, the length where the padding takes a whole extra block.
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func fileDigestEqualsInMemoryDigest() throws {
        let path = NSTemporaryDirectory() + "vispipe-sha-\(UUID().uuidString).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (0..<300_001).map { UInt8(truncatingIfNeeded: $0 % 251) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hexDigest(ofFileAtPath: path, chunkSize: 4096) == SHA256.hexDigest(bytes))
        #expect(try SHA256.hexDigest(ofFileAtPath: path) == SHA256.hexDigest(bytes))
    }

    @Test func missingFileIsATypedError() {
        #expect(throws: SHA256.FileError.self) { try SHA256.hexDigest(ofFileAtPath: "/nonexistent/vispipe/file.bin") }
    }
}
