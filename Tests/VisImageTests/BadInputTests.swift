import Foundation
import Testing
import VisImage

/// Inputs that are not images at all must give clear errors naming the file.
@Suite struct BadInputTests {
    @Test(arguments: ["bad/empty.png", "bad/random.jpg", "bad/text.png"])
    func nonImagesAreUnsupported(relative: String) {
        let path = ImageFixtures.path(relative)
        do {
            _ = try ImageDecoder.decode(contentsOf: path)
            Issue.record("\(relative) decoded")
        } catch {
            guard case .unsupportedFormat(let detail) = error.reason else {
                Issue.record("\(relative): \(error)"); return
            }
            #expect(error.description.contains(relative))
            #expect(!detail.isEmpty)
        }
    }

    @Test func emptyFileSaysSo() {
        let path = ImageFixtures.path("bad/empty.png")
        #expect(throws: ImageError(file: path, reason: .unsupportedFormat("the file is empty"))) {
            _ = try ImageDecoder.decode(contentsOf: path)
        }
    }

    /// The extension is not trusted: a PNG named .jpg decodes as PNG.
    @Test func formatComesFromMagicBytes() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: ImageFixtures.pngSuitePath("basn2c08")))
        let image = try ImageDecoder.decode(data: data, name: "photo.jpg")
        #expect(image.width == 32)
        #expect(ImageFormat.sniff([UInt8](data)) == .png)
        #expect(ImageFormat.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(ImageFormat.sniff([0xFF, 0xD8]) == nil)
    }

    @Test func missingFileIsAnIOError() {
        let path = "/nonexistent-dir/missing.png"
        do {
            _ = try ImageDecoder.decode(contentsOf: path)
            Issue.record("decoded a missing file")
        } catch {
            guard case .io = error.reason else { Issue.record("\(error)"); return }
            #expect(error.description.hasPrefix(path))
        }
    }

    /// A JPEG signature followed by junk reaches libjpeg, whose error comes back as a value.
    @Test func jpegSignatureWithJunkIsCorrupt() {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]
        bytes += Array(repeating: 0x41, count: 40)
        #expect(throws: ImageError.self) { _ = try ImageDecoder.decode(data: Data(bytes), name: "junk.jpg") }
    }
}
