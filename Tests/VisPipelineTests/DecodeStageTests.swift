import Foundation
import Testing
import VisImage
@testable import VisPipeline

@Suite struct DecodeStageTests {
    static let pngsuite = fixturesDirectory.appendingPathComponent("images/pngsuite")

    @Test func decodesAPNGAndKeepsTheRelativePath() async throws {
        let path = Self.pngsuite.appendingPathComponent("basn2c08.png").path
        let stage = try makeStage(DecodeStage.self)
        let outputs = try await stage.process(["file": .text(path), "relative_path": .text("sub/basn2c08.png")])
        let value = try #require(outputs["image"]?.imageValue)
        #expect(value.image == (try ImageDecoder.decode(contentsOf: path)))
        #expect(value.image.width == 32 && value.image.height == 32)
        #expect(value.relativePath == "sub/basn2c08.png")
    }

    @Test func relativePathIsOptional() async throws {
        let path = Self.pngsuite.appendingPathComponent("basn2c08.png").path
        let outputs = try await makeStage(DecodeStage.self).process(["file": .text(path)])
        #expect(try #require(outputs["image"]?.imageValue).relativePath == nil)
    }

    @Test func alphaParameterChoosesTheBackground() async throws {
        // basn6a08 is RGBA with alpha ranging over the whole image.
        let path = Self.pngsuite.appendingPathComponent("basn6a08.png").path
        for (choice, handling) in [("composite-white", AlphaHandling.composite(on: .white)),
                                   ("composite-black", .composite(on: .black)), ("drop", .drop)] {
            let stage = try makeStage(DecodeStage.self, ["alpha": .string(choice)])
            let image = try #require(try await stage.process(["file": .text(path)])["image"]?.imageValue).image
            #expect(image == (try ImageDecoder.decode(contentsOf: path, options: ImageDecodeOptions(alpha: handling))), "\(choice)")
        }
        let white = try await makeStage(DecodeStage.self).process(["file": .text(path)])["image"]?.imageValue?.image
        let black = try await makeStage(DecodeStage.self, ["alpha": .string("composite-black")])
            .process(["file": .text(path)])["image"]?.imageValue?.image
        #expect(white != black)
    }

    @Test func exifOrientationCanBeIgnored() async throws {
        let path = fixturesDirectory.appendingPathComponent("images/png/exif_orientation_6.png").path
        let turned = try #require(try await makeStage(DecodeStage.self).process(["file": .text(path)])["image"]?.imageValue).image
        let stored = try #require(try await makeStage(DecodeStage.self, ["exif_orientation": .boolean(false)])
            .process(["file": .text(path)])["image"]?.imageValue).image
        // Orientation 6 is a quarter turn: width and height swap.
        #expect(turned.width == stored.height && turned.height == stored.width)
        #expect(turned.width != turned.height)
    }

    @Test func corruptFileErrorNamesTheFile() async throws {
        let path = fixturesDirectory.appendingPathComponent("images/bad/random.jpg").path
        await #expect {
            _ = try await makeStage(DecodeStage.self).process(["file": .text(path)])
        } throws: { error in
            guard let stageError = error as? BuiltinStageError, case .decode(let imageError) = stageError else { return false }
            return imageError.file == path && stageError.description.contains("random.jpg")
        }
    }

    @Test func maxPixelsRefusesLargeImages() async throws {
        let path = Self.pngsuite.appendingPathComponent("basn2c08.png").path
        let stage = try makeStage(DecodeStage.self, ["max_pixels": .integer(1000)])
        await #expect {
            _ = try await stage.process(["file": .text(path)])
        } throws: { error in
            guard case .decode(let imageError)? = error as? BuiltinStageError,
                  case .tooLarge(32, 32, 1000) = imageError.reason else { return false }
            return "\(error)".contains("basn2c08.png")
        }
    }

    @Test func missingOrMistypedInputIsAnError() async throws {
        let stage = try makeStage(DecodeStage.self)
        await #expect(throws: BuiltinStageError.self) { _ = try await stage.process([:]) }
        await #expect {
            _ = try await stage.process(["file": .embedding([1])])
        } throws: { error in
            "\(error)" == "input 'file' expects text, found embedding"
        }
    }

    @Test func badChoiceParameterIsRefusedAtInit() throws {
        #expect {
            _ = try makeStage(DecodeStage.self, ["alpha": .string("transparent")])
        } throws: { error in
            "\(error)".contains("parameter 'alpha'") && "\(error)".contains("\"composite-white\"")
        }
    }
}
