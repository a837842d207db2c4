import Foundation
import Testing
import VisImage

@Suite struct ImageEncoderTests {
    /// A fresh empty directory under /tmp for one test.
    static func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "vispipe-encoder-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func smoothPicture(width: Int = 37, height: Int = 23) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                image[x, y] = RGBColor(UInt8(x * 255 / (width - 1)), UInt8(y * 255 / (height - 1)), UInt8((x + y) * 3 % 256))
            }
        }
        return image
    }

    @Test func pngRoundTripIsExact() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let image = Self.smoothPicture()
        let path = directory + "/picture.png"
        try ImageEncoder.writePNG(image, to: path)
        #expect(try ImageDecoder.decode(contentsOf: path) == image)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["picture.png"])
        let data = try ImageEncoder.pngData(image)
        #expect(try ImageDecoder.decode(data: data, name: "memory.png") == image)
    }

    /// JPEG at quality 95 on a smooth picture: lossy, but close (max 24 levels at hard chroma
    /// edges, mean error under 2 levels).
    @Test func jpegRoundTripIsClose() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let image = Self.smoothPicture()
        let path = directory + "/picture.jpg"
        try ImageEncoder.writeJPEG(image, to: path, quality: 95)
        let decoded = try ImageDecoder.decode(contentsOf: path)
        #expect(decoded.width == image.width && decoded.height == image.height)
        let total = zip(decoded.pixels, image.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        #expect(Double(total) / Double(image.pixels.count) < 2)
        #expect(maxAbsDifference(decoded, image) <= 24)
        // Lower quality gives a smaller file.
        #expect(try ImageEncoder.jpegData(image, quality: 20).count < ImageEncoder.jpegData(image, quality: 95).count)
    }

    @Test func writeReplacesAnExistingFile() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/picture.png"
        try ImageEncoder.writePNG(RGBImage(width: 2, height: 2, fill: .black), to: path)
        try ImageEncoder.writePNG(RGBImage(width: 3, height: 1, fill: .white), to: path)
        #expect(try ImageDecoder.decode(contentsOf: path) == RGBImage(width: 3, height: 1, fill: .white))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["picture.png"])
    }

    @Test func writeIntoMissingDirectoryFailsCleanly() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/missing/picture.png"
        do {
            try ImageEncoder.writePNG(Self.smoothPicture(), to: path)
            Issue.record("write into a missing directory succeeded")
        } catch {
            guard case .io = error.reason else { Issue.record("\(error)"); return }
            #expect(error.description.contains(path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    /// The rename fails (the target is a non-empty directory): the temporary file must be gone and
    /// the target untouched.
    @Test func failedRenameLeavesNoTemporaryFile() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = directory + "/picture.jpg"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: target + "/keep", contents: Data([1])))
        #expect(throws: ImageError.self) { try ImageEncoder.writeJPEG(Self.smoothPicture(), to: target) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["picture.jpg"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["keep"])
    }

    @Test func invalidArgumentsAreRefused() {
        #expect(throws: ImageError(file: "<jpeg data>", reason: .invalidArgument("JPEG quality 0 is outside 1...100"))) {
            _ = try ImageEncoder.jpegData(Self.smoothPicture(), quality: 0)
        }
        #expect(throws: ImageError.self) { _ = try ImageEncoder.jpegData(Self.smoothPicture(), quality: 101) }
        #expect(throws: ImageError.self) { _ = try ImageEncoder.pngData(RGBImage(width: 0, height: 0)) }
    }
}
