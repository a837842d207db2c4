import Foundation
import Testing
import VisImage

/// Every valid PngSuite image must decode to exactly Pillow's pixels; every corrupt one is refused.
@Suite struct PngSuiteDecodeTests {
    static let validStems = ImageFixtures.pngSuiteStems(corrupt: false)
    static let corruptStems = ImageFixtures.pngSuiteStems(corrupt: true)
    static let compositeNames = ImageFixtures.expectationNames(in: "pngsuite_expected.safetensors")
        .filter { $0.hasSuffix("_on_white") }

    @Test func suiteIsPresent() {
        #expect(Self.validStems.count == 161)
        #expect(Self.corruptStems.count == 14)
        #expect(Self.compositeNames.count == 28)
    }

    /// Alpha dropped: equals Pillow's `convert("RGB")` exactly (including its 16-bit rules).
    @Test(arguments: validStems)
    func dropAlphaMatchesPillow(stem: String) throws {
        let options = ImageDecodeOptions(alpha: .drop)
        let image = try ImageDecoder.decode(contentsOf: ImageFixtures.pngSuitePath(stem), options: options)
        let expected = try ImageFixtures.expected(stem, in: "pngsuite_expected.safetensors")
        #expect(image.width == expected.width && image.height == expected.height)
        #expect(maxAbsDifference(image, expected) == 0, "\(stem): max difference \(maxAbsDifference(image, expected))")
    }

    /// Alpha composited on white: equals the generator's explicit formula exactly.
    @Test(arguments: compositeNames)
    func compositeOnWhiteMatchesFormula(name: String) throws {
        let stem = String(name.dropLast("_on_white".count))
        let image = try ImageDecoder.decode(contentsOf: ImageFixtures.pngSuitePath(stem))  // default: white
        let expected = try ImageFixtures.expected(name, in: "pngsuite_expected.safetensors")
        #expect(maxAbsDifference(image, expected) == 0, "\(name): max difference \(maxAbsDifference(image, expected))")
    }

    /// Images without alpha are unaffected by the alpha option.
    @Test func opaqueImagesIgnoreAlphaOption() throws {
        for stem in ["basn2c08", "basi0g16", "s37i3p04"] {
            let path = ImageFixtures.pngSuitePath(stem)
            let composited = try ImageDecoder.decode(contentsOf: path, options: .init(alpha: .composite(on: .black)))
            let dropped = try ImageDecoder.decode(contentsOf: path, options: .init(alpha: .drop))
            #expect(composited == dropped, "\(stem)")
        }
    }

    @Test func compositeUsesTheBackgroundColour() throws {
        // basn6a08 has fully transparent pixels (alpha 0) in its first column.
        let image = try ImageDecoder.decode(contentsOf: ImageFixtures.pngSuitePath("basn6a08"),
                                            options: .init(alpha: .composite(on: RGBColor(10, 200, 30))))
        let dropped = try ImageDecoder.decode(contentsOf: ImageFixtures.pngSuitePath("basn6a08"),
                                              options: .init(alpha: .drop))
        #expect(image[0, 0] == RGBColor(10, 200, 30))
        #expect(image != dropped)
    }

    @Test(arguments: corruptStems)
    func corruptFilesAreRefused(stem: String) {
        let path = ImageFixtures.pngSuitePath(stem)
        do {
            let image = try ImageDecoder.decode(contentsOf: path)
            Issue.record("\(stem) decoded to \(image.width)x\(image.height) instead of failing")
        } catch {
            #expect(error.file == path)
            #expect(error.description.contains(stem + ".png"))
            #expect(error.description.count > path.count + 10, "no reason in: \(error)")
            // Bad CRCs, invalid IHDR fields, missing IDAT and damaged signatures are all `.corrupt`.
            guard case .corrupt(let reason) = error.reason else { Issue.record("\(stem): unexpected \(error)"); return }
            #expect(!reason.isEmpty)
        }
    }
}
