import Foundation
import VisFiles
import VisImage

/// Writes a ShapesWorld dataset to a folder: images, one sidecar JSON per image and a COCO
/// `instances.json`, every file written atomically.
public enum ShapesWorldWriter {
    /// Which encoding the images get.
    public enum ImageFormat: String, CaseIterable, Sendable {
        case png, jpeg
        /// Even-numbered scenes PNG, odd-numbered JPEG.
        case alternate
    }

    /// Dataset parameters.
    public struct Options: Sendable {
        public var count: Int
        public var seed: UInt64
        public var minSize: Int
        public var maxSize: Int
        public var minVisibleArea: Int
        public var format: ImageFormat
        public init(count: Int, seed: UInt64, minSize: Int = 96, maxSize: Int = 256,
                    minVisibleArea: Int = 40, format: ImageFormat = .alternate) {
            self.count = count; self.seed = seed; self.minSize = minSize; self.maxSize = maxSize
            self.minVisibleArea = minVisibleArea; self.format = format
        }
    }

    /// A failed generation: bad options or a file that could not be written.
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The file name stem of scene `index`.
    public static func stem(_ index: Int) -> String {
        let digits = String(index)
        return "shapes_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Generates and writes the dataset; returns the relative paths written, in order.
    @discardableResult
    public static func write(_ options: Options, to directory: String) throws(Failure) -> [String] {
        guard options.count >= 0 else { throw Failure(message: "--count must be >= 0, got \(options.count)") }
        guard options.minSize >= 16, options.maxSize >= options.minSize, options.maxSize <= 4096 else {
            throw Failure(message: "sizes must satisfy 16 <= min-size <= max-size <= 4096, got \(options.minSize)...\(options.maxSize)")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(message: "\(directory): cannot create folder: \(error.localizedDescription)")
        }
        // Only the JSON entries are kept, not the scenes' pixels and masks.
        var images: [JSONValue] = []
        var annotations: [JSONValue] = []
        var written: [String] = []
        for index in 0..<options.count {
            let scene = ShapesSceneGenerator.scene(seed: options.seed, index: index, minSize: options.minSize,
                                                   maxSize: options.maxSize, minVisibleArea: options.minVisibleArea)
            let usePNG = options.format == .png || (options.format == .alternate && index % 2 == 0)
            let fileName = stem(index) + (usePNG ? ".png" : ".jpg")
            let image = RGBImage(width: scene.width, height: scene.height, pixels: scene.pixels)
            do {
                if usePNG {
                    try ImageEncoder.writePNG(image, to: directory + "/" + fileName)
                } else {
                    try ImageEncoder.writeJPEG(image, to: directory + "/" + fileName, quality: 92)
                }
            } catch {
                throw Failure(message: "\(error)")
            }
            let sidecarName = stem(index) + ".json"
            try writeJSON(ShapesWorldAnnotations.sidecar(scene: scene, fileName: fileName, imageID: index + 1),
                          to: directory + "/" + sidecarName)
            written += [fileName, sidecarName]
            images.append(ShapesWorldAnnotations.cocoImage(scene: scene, fileName: fileName, imageID: index + 1))
            annotations += ShapesWorldAnnotations.cocoAnnotations(scene: scene, imageID: index + 1,
                                                                  firstID: annotations.count + 1)
        }
        try writeJSON(ShapesWorldAnnotations.coco(images: images, annotations: annotations, seed: options.seed),
                      to: directory + "/instances.json")
        written.append("instances.json")
        return written
    }

    private static func writeJSON(_ value: JSONValue, to path: String) throws(Failure) {
        do {
            try AtomicFileWriter.write(Array(JSONWriter.canonical(value).utf8) + [0x0A], to: path)
        } catch {
            throw Failure(message: error.description)
        }
    }
}
