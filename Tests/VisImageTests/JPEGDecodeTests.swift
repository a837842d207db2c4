import Foundation
import Testing
import VisImage

/// JPEGs against Pillow 12 (its bundled libjpeg-turbo; ours is the system libjpeg). Both use the
/// ISLOW DCT and fancy upsampling, so the pixels must agree to within 1 level per channel.
@Suite struct JPEGDecodeTests {
    static let tolerance = 1
    static let stems = ["baseline", "progressive", "grayscale", "cmyk", "ycck", "subsampling_420", "subsampling_422",
                        "subsampling_444", "restart_markers"] + (1...8).map { "orientation_\($0)" }

    @Test(arguments: stems)
    func matchesPillowWithinOneLevel(stem: String) throws {
        let image = try ImageDecoder.decode(contentsOf: ImageFixtures.path("jpeg/\(stem).jpg"))
        let expected = try ImageFixtures.expected(stem, in: "jpeg_expected.safetensors")
        #expect(image.width == expected.width && image.height == expected.height)
        let difference = maxAbsDifference(image, expected)
        #expect(difference <= Self.tolerance, "\(stem): max difference \(difference)")
    }

    /// Orientation fixtures store the same picture; undoing nothing gives the orientation-1 pixels.
    @Test(arguments: 1...8)
    func orientationCanBeIgnored(orientation: Int) throws {
        let raw = try ImageDecoder.decode(contentsOf: ImageFixtures.path("jpeg/orientation_\(orientation).jpg"),
                                          options: .init(applyExifOrientation: false))
        let upright = try ImageDecoder.decode(contentsOf: ImageFixtures.path("jpeg/orientation_1.jpg"))
        #expect(raw == upright)
        let applied = try ImageDecoder.decode(contentsOf: ImageFixtures.path("jpeg/orientation_\(orientation).jpg"))
        #expect(applied == ExifOrientation(rawValue: orientation)!.apply(to: raw))
        #expect((applied.width, applied.height) == (orientation >= 5 ? (17, 24) : (24, 17)))
    }

    @Test func truncatedJPEGIsAnError() {
        let path = ImageFixtures.path("jpeg/truncated.jpg")
        #expect {
            _ = try ImageDecoder.decode(contentsOf: path)
        } throws: { error in
            guard let error = error as? ImageError, case .truncated = error.reason else { return false }
            return error.description.contains("truncated.jpg")
        }
    }

    /// Every prefix of a valid JPEG is refused (libjpeg would otherwise pad with grey).
    @Test func everyPrefixIsRefused() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: ImageFixtures.path("jpeg/progressive.jpg")))
        for length in stride(from: 0, to: bytes.count - 2, by: 5) {
            #expect(throws: ImageError.self, "prefix \(length)") {
                _ = try ImageDecoder.decode(data: bytes.prefix(length), name: "prefix.jpg")
            }
        }
    }

    /// Corrupting entropy-coded data must give an image or an ImageError — never a crash or a longjmp
    /// through Swift.
    @Test func mutatedJPEGsNeverCrash() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ImageFixtures.path("jpeg/baseline.jpg"))))
        var generator = SplitMix64(seed: 2)
        var failures = 0
        for _ in 0..<300 {
            var mutated = bytes
            for _ in 0..<2 {
                mutated[2 + Int(generator.next() % UInt64(mutated.count - 2))] = UInt8(truncatingIfNeeded: generator.next())
            }
            do { _ = try ImageDecoder.decode(data: Data(mutated), name: "mutated.jpg") } catch { failures += 1 }
        }
        #expect(failures > 0)
    }

    @Test func largeJPEGHeaderIsRefused() throws {
        let path = ImageFixtures.path("jpeg/baseline.jpg")  // 24 x 17
        #expect(throws: ImageError(file: path, reason: .tooLarge(width: 24, height: 17, limit: 400))) {
            _ = try ImageDecoder.decode(contentsOf: path, options: .init(maximumPixels: 400))
        }
    }
}
