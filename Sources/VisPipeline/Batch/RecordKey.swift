/// The file name of an image's record: 32 hex digits from two 64-bit FNV-1a hashes of its relative
/// path (different offset bases). Not cryptographic — it only has to spread paths over names;
/// the record also stores the path and is ignored when the path does not match.
enum RecordKey {
    static func forRelativePath(_ path: String) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x6c62_272e_07bb_0142
        let prime: UInt64 = 0x0000_0100_0000_01b3
        for byte in path.utf8 {
            first = (first ^ UInt64(byte)) &* prime
            second = (second ^ UInt64(byte ^ 0x5a)) &* prime
        }
        return hex(first) + hex(second)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
