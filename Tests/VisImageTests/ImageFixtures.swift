import Foundation
import VisImage
import VisWeights

/// Paths and reference pixels from Fixtures/images (written by generate_image_fixtures.py).
enum ImageFixtures {
    static let images = fixturesDirectory.appendingPathComponent("images")
    static let pngSuite = images.appendingPathComponent("pngsuite")

    static func path(_ relative: String) -> String { images.appendingPathComponent(relative).path }

    /// PngSuite file stems, sorted; `corrupt` selects the deliberately broken `x*` files.
    static func pngSuiteStems(corrupt: Bool) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pngSuite.path)) ?? []
        return names.filter { $0.hasSuffix(".png") && $0.hasPrefix("x") == corrupt }
            .map { String($0.dropLast(4)) }.sorted()
    }

    static func pngSuitePath(_ stem: String) -> String { pngSuite.appendingPathComponent(stem + ".png").path }

    /// Pillow's pixels for `name` as an RGBImage. In pngsuite_expected.safetensors identical arrays
    /// are stored once; the metadata maps each expectation name to its tensor.
    static func expected(_ name: String, in file: String) throws -> RGBImage {
        let reference = try SafetensorsFile(path: path(file))
        let tensorName = reference.metadata[name] ?? name
        let (shape, values) = try reference.uint8s(tensorName)
        guard shape.count == 3, shape[2] == 3 else { throw FixtureError.badShape(name, shape) }
        return RGBImage(width: shape[1], height: shape[0], pixels: values)
    }

    /// Names of expectations in a metadata-indexed file.
    static func expectationNames(in file: String) -> [String] {
        guard let reference = try? SafetensorsFile(path: path(file)) else { return [] }
        return reference.metadata.keys.sorted()
    }

    enum FixtureError: Error { case badShape(String, [Int]) }
}

/// Largest per-channel difference between two images of the same size (Int.max if sizes differ).
func maxAbsDifference(_ a: RGBImage, _ b: RGBImage) -> Int {
    guard a.width == b.width, a.height == b.height else { return .max }
    var worst = 0
    for i in a.pixels.indices { worst = max(worst, abs(Int(a.pixels[i]) - Int(b.pixels[i]))) }
    return worst
}
