import Foundation
import Testing
import VisImage

@Suite struct PNGSpecialCaseTests {
    /// The IHDR claims 100000 x 100000 (30 GB of RGB); the decoder must refuse it from the header,
    /// before allocating anything of that size — so it fails quickly and without memory pressure.
    @Test func hugeDimensionsAreRefusedFromTheHeader() {
        let path = ImageFixtures.path("png/huge_dimensions.png")
        let clock = ContinuousClock()
        let start = clock.now
        #expect {
            _ = try ImageDecoder.decode(contentsOf: path)
        } throws: { error in
            (error as? ImageError)?.reason == .tooLarge(width: 100_000, height: 100_000, limit: 64_000_000)
        }
        #expect(clock.now - start < .seconds(1))
    }

    @Test func pixelLimitIsConfigurable() throws {
        let path = ImageFixtures.pngSuitePath("basn2c08")  // 32 x 32 = 1024 pixels
        _ = try ImageDecoder.decode(contentsOf: path, options: .init(maximumPixels: 1024))
        #expect(throws: ImageError(file: path, reason: .tooLarge(width: 32, height: 32, limit: 1023))) {
            _ = try ImageDecoder.decode(contentsOf: path, options: .init(maximumPixels: 1023))
        }
    }

    /// eXIf chunk orientation 6: Pillow's exif_transpose rotates 90° clockwise.
    @Test func pngExifOrientationIsApplied() throws {
        let path = ImageFixtures.path("png/exif_orientation_6.png")
        let image = try ImageDecoder.decode(contentsOf: path)
        let expected = try ImageFixtures.expected("exif_orientation_6", in: "png_extra_expected.safetensors")
        #expect(image == expected)
        let stored = try ImageDecoder.decode(contentsOf: path, options: .init(applyExifOrientation: false))
        #expect(stored.width == 24 && stored.height == 17)
        #expect(ExifOrientation.right.apply(to: stored) == expected)
    }

    /// A PNG cut inside its image data is `.truncated`; cut anywhere it is an error, never a crash.
    @Test func truncatedPNGIsAnError() throws {
        let path = ImageFixtures.pngSuitePath("basn2c08")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            _ = try ImageDecoder.decode(data: bytes.prefix(bytes.count / 2), name: "half.png")
        } throws: { error in
            guard let error = error as? ImageError, case .truncated = error.reason else { return false }
            return error.description.contains("half.png")
        }
        for length in stride(from: 8, to: bytes.count, by: 7) {
            #expect(throws: ImageError.self) { _ = try ImageDecoder.decode(data: bytes.prefix(length), name: "cut.png") }
        }
    }

    /// Flipping bytes anywhere must give either an image or an ImageError (CRCs catch most of it).
    @Test func mutatedPNGsNeverCrash() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ImageFixtures.pngSuitePath("basi6a16"))))
        var generator = SplitMix64(seed: 1)
        for _ in 0..<300 {
            var mutated = bytes
            for _ in 0..<3 {
                mutated[8 + Int(generator.next() % UInt64(mutated.count - 8))] = UInt8(truncatingIfNeeded: generator.next())
            }
            _ = try? ImageDecoder.decode(data: Data(mutated), name: "mutated.png")
        }
    }
}

/// A tiny deterministic generator so mutation tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
