import Foundation
import Testing
import VisImage
import VisWeights

/// Compares `RGBImage.resized` with Pillow 12.0.0 outputs written by
/// `Fixtures/images/generate_resize_fixtures.py` (up- and downscaling, odd sizes, extreme ratios,
/// same size, 1-pixel dimensions).
///
/// Tolerance: bit-exact (max abs difference 0 levels) for both BILINEAR and NEAREST, because the
/// implementation follows Pillow's coefficient computation and fixed-point arithmetic.
struct ResizeTests {
    static let fixturePath = fixturesDirectory.appendingPathComponent("images/resize_expected.safetensors").path
    static let maximumAllowedDifference = 0

    /// The 640x480 source that is too large to store; same formula as the generator script.
    static func proceduralImage() -> RGBImage {
        let width = 640, height = 480
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    pixels[(y * width + x) * 3 + c] = UInt8(((x * 37 + y * 91 + c * 53) ^ (x * y * 7)) & 255)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func image(_ file: SafetensorsFile, _ name: String) throws -> RGBImage {
        let (shape, bytes) = try file.uint8s(name)
        #expect(shape.count == 3 && shape[2] == 3, "\(name) has shape \(shape)")
        return RGBImage(width: shape[1], height: shape[0], pixels: bytes)
    }

    /// Parses `filter/source/WxH`.
    static func parseCase(_ name: String) -> (filter: ResampleFilter, source: String, width: Int, height: Int)? {
        let parts = name.split(separator: "/").map(String.init)
        guard parts.count == 3 else { return nil }
        let filter: ResampleFilter
        switch parts[0] {
        case "bilinear": filter = .bilinear
        case "nearest": filter = .nearest
        default: return nil
        }
        let size = parts[2].split(separator: "x").compactMap { Int($0) }
        guard size.count == 2 else { return nil }
        return (filter, parts[1], size[0], size[1])
    }

    static func maxAbsDifference(_ a: RGBImage, _ b: RGBImage) -> Int {
        zip(a.pixels, b.pixels).reduce(0) { max($0, abs(Int($1.0) - Int($1.1))) }
    }

    @Test(arguments: ResampleFilter.allCases)
    func matchesPillow(filter: ResampleFilter) throws {
        let file = try SafetensorsFile(path: Self.fixturePath)
        var sources: [String: RGBImage] = ["procedural": Self.proceduralImage()]
        for name in file.names where name.hasPrefix("src/") {
            sources[String(name.dropFirst(4))] = try Self.image(file, name)
        }
        let cases = file.names.compactMap { name in Self.parseCase(name).map { (name, $0) } }
            .filter { $0.1.filter == filter }
        #expect(cases.count >= 30, "expected the fixture to hold many \(filter) cases")

        var worst = 0
        for (name, c) in cases {
            let source = try #require(sources[c.source], "missing source \(c.source)")
            let expected = try Self.image(file, name)
            let actual = try source.resized(width: c.width, height: c.height, filter: c.filter)
            #expect(actual.width == expected.width && actual.height == expected.height, "\(name)")
            guard actual.pixels.count == expected.pixels.count else { continue }
            let difference = Self.maxAbsDifference(actual, expected)
            #expect(difference <= Self.maximumAllowedDifference,
                    "\(name): max abs difference \(difference) from \(source.width)x\(source.height)")
            worst = max(worst, difference)
        }
        #expect(worst <= Self.maximumAllowedDifference)
    }

    @Test func sameSizeIsUnchanged() throws {
        var image = RGBImage(width: 5, height: 3)
        for i in image.pixels.indices { image.pixels[i] = UInt8(i * 17 % 256) }
        for filter in ResampleFilter.allCases {
            #expect(try image.resized(width: 5, height: 3, filter: filter) == image)
        }
    }

    @Test func uniformImageStaysUniform() throws {
        let image = RGBImage(width: 31, height: 17, fill: RGBColor(200, 7, 93))
        for (w, h) in [(4, 3), (100, 9), (1, 1), (62, 34)] {
            let out = try image.resized(width: w, height: h)
            #expect(out == RGBImage(width: w, height: h, fill: RGBColor(200, 7, 93)), "\(w)x\(h)")
        }
    }

    @Test func rejectsEmptySizes() {
        let image = RGBImage(width: 4, height: 4)
        #expect(throws: ImageOperationError.self) { try image.resized(width: 0, height: 4) }
        #expect(throws: ImageOperationError.self) { try image.resized(width: 3, height: -1, filter: .nearest) }
        #expect(throws: ImageOperationError.self) { try RGBImage(width: 0, height: 0).resized(width: 2, height: 2) }
    }

    /// A photo-sized resize (as DETR preprocessing does) completes and keeps a gradient monotonic.
    @Test func largeResizeKeepsGradientOrder() throws {
        let width = 640, height = 480
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height { for x in 0..<width { pixels[(y * width + x) * 3] = UInt8(x * 255 / (width - 1)) } }
        let out = try RGBImage(width: width, height: height, pixels: pixels).resized(width: 1066, height: 800)
        #expect(out.width == 1066 && out.height == 800)
        let row = (0..<out.width).map { out[$0, 400].r }
        #expect(zip(row, row.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(row.first == 0 && row.last == 255)
    }
}
