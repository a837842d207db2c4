import Foundation
import Testing
@testable import VisImage

@Suite struct ExifTests {
    /// A 3 x 2 image whose pixels are numbered 0...5 in the red channel.
    static let numbered = RGBImage(width: 3, height: 2, pixels: (0..<6).flatMap { [UInt8($0), 0, 0] })

    static func reds(_ image: RGBImage) -> [UInt8] { stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] } }

    /// Stored  0 1 2   — each orientation's upright result, row by row (Pillow's transpose semantics).
    ///         3 4 5
    @Test func transformsMatchPillowTransposeSemantics() {
        let expected: [ExifOrientation: (Int, Int, [UInt8])] = [
            .up: (3, 2, [0, 1, 2, 3, 4, 5]),
            .upMirrored: (3, 2, [2, 1, 0, 5, 4, 3]),
            .down: (3, 2, [5, 4, 3, 2, 1, 0]),
            .downMirrored: (3, 2, [3, 4, 5, 0, 1, 2]),
            .leftMirrored: (2, 3, [0, 3, 1, 4, 2, 5]),
            .right: (2, 3, [3, 0, 4, 1, 5, 2]),
            .rightMirrored: (2, 3, [5, 2, 4, 1, 3, 0]),
            .left: (2, 3, [2, 5, 1, 4, 0, 3]),
        ]
        for orientation in ExifOrientation.allCases {
            let result = orientation.apply(to: Self.numbered)
            let (w, h, reds) = expected[orientation]!
            #expect(result.width == w && result.height == h, "\(orientation)")
            #expect(Self.reds(result) == reds, "\(orientation)")
        }
    }

    /// A little-endian or big-endian TIFF block with one IFD0 entry: Orientation (SHORT).
    static func tiff(orientation: UInt16, bigEndian: Bool, type: UInt16 = 3) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] { bigEndian ? u16(UInt16(v >> 16)) + u16(UInt16(v & 0xFFFF)) : u16(UInt16(v & 0xFFFF)) + u16(UInt16(v >> 16)) }
        return (bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]) + u16(42) + u32(8)
            + u16(1) + u16(0x0112) + u16(type) + u32(1) + u16(orientation) + u16(0) + u32(0)
    }

    @Test func readsBothByteOrders() {
        for bigEndian in [false, true] {
            for value in 1...8 {
                let block = Self.tiff(orientation: UInt16(value), bigEndian: bigEndian)
                #expect(ExifReader.orientation(tiff: block[...]) == ExifOrientation(rawValue: value))
                let prefixed = Array("Exif\0\0".utf8) + block
                #expect(ExifReader.orientation(tiff: prefixed[...]) == ExifOrientation(rawValue: value))
            }
        }
    }

    @Test func ignoresInvalidValuesAndTypes() {
        #expect(ExifReader.orientation(tiff: Self.tiff(orientation: 0, bigEndian: false)[...]) == nil)
        #expect(ExifReader.orientation(tiff: Self.tiff(orientation: 9, bigEndian: true)[...]) == nil)
        #expect(ExifReader.orientation(tiff: Self.tiff(orientation: 6, bigEndian: false, type: 2)[...]) == nil)
    }

    /// Every truncation and every single-byte corruption of the block is handled without a crash.
    @Test func malformedBlocksNeverCrash() {
        let block = Self.tiff(orientation: 6, bigEndian: true)
        // The orientation value ends at byte 20; the reader needs nothing after it.
        for length in 0..<block.count {
            #expect(ExifReader.orientation(tiff: block[0..<length]) == (length < 20 ? nil : .right))
        }
        for index in block.indices {
            for value: UInt8 in [0x00, 0x7F, 0xFF] {
                var corrupted = block
                corrupted[index] = value
                _ = ExifReader.orientation(tiff: corrupted[...])
            }
        }
        // JPEG and PNG walkers with lengths that run off the end.
        _ = ExifReader.orientation(jpeg: [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x45])
        _ = ExifReader.orientation(png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x65, 0x58, 0x49, 0x66])
    }

    @Test func exifOfPngSuiteFileIsOrientationOne() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ImageFixtures.pngSuitePath("exif2c08"))))
        #expect(ExifReader.orientation(png: bytes) == .up)
    }
}
