import Foundation
import VisImage
import VisTensor

/// DETR's image preprocessing, reproducing transformers 5.23's Pillow-based DETR image processor
/// (`DetrImageProcessorPil`) bit for bit:
///
/// 1. resize with Pillow's filter (BILINEAR by default) to the size `resizeRule` gives,
/// 2. rescale: `Float(Double(byte) * rescaleFactor)` (numpy multiplies in float64, then casts),
/// 3. normalise in float32: `(x - Float(mean[c])) / Float(std[c])`,
/// 4. pad every image at the bottom and right with zeros to the batch's largest height and width
///    (or `padSize`), with a mask that is 1 on real pixels.
///
/// transformers' `AutoImageProcessor` (and so `pipeline("object-detection")`) picks the
/// torchvision-based `DetrImageProcessor` instead whenever torchvision is installed; that one
/// resizes with torch's uint8 kernel and normalises as `(x - 255·mean) / (255·std)`, so its values
/// differ from these by one 8-bit level (≈0.0175 after normalisation) at a few pixels and by
/// float32 rounding elsewhere; with NEAREST it samples other source pixels altogether.
public struct DetrImageProcessor: Sendable {
    /// Whether images are resized (`do_resize`).
    public var doResize: Bool = true
    /// The size rule (`size`, `max_size`).
    public var resizeRule: DetrResizeRule = .detrDefault
    /// The resampling filter (`resample`: Pillow's 2 = BILINEAR, 0 = NEAREST).
    public var resample: ResampleFilter = .bilinear
    /// Whether bytes are scaled by `rescaleFactor` (`do_rescale`).
    public var doRescale: Bool = true
    /// `rescale_factor`, 1/255 by default.
    public var rescaleFactor: Double = 1.0 / 255.0
    /// Whether channels are normalised with `imageMean`/`imageStd` (`do_normalize`).
    public var doNormalize: Bool = true
    /// Per-channel mean (`image_mean`), ImageNet's by default.
    public var imageMean: [Double] = [0.485, 0.456, 0.406]
    /// Per-channel standard deviation (`image_std`), ImageNet's by default.
    public var imageStd: [Double] = [0.229, 0.224, 0.225]
    /// Whether the batch is padded to a common size (`do_pad`). Without padding all images must
    /// come out the same size.
    public var doPad: Bool = true
    /// A fixed padded size (`pad_size`) instead of the batch's largest height and width.
    public var padSize: (height: Int, width: Int)? = nil

    /// The name transformers gives the preprocessing configuration in a model directory.
    public static let configFileName = "preprocessor_config.json"

    /// transformers' defaults for DETR.
    public init() {}

    /// The processor described by `directory/preprocessor_config.json`, or the defaults when
    /// `directory` is `nil` or has no such file.
    ///
    /// - Throws: `ModelError.unreadableConfig` for a file that is not a JSON object,
    ///   `.invalidConfigValue` naming the key for a value transformers' DETR processor
    ///   would reject or vispipe does not implement (other filters, `size` forms DETR cannot resize with).
    public init(directory: String?) throws(ModelError) {
        self.init()
        guard let directory else { return }
        let path = (directory as NSString).appendingPathComponent(Self.configFileName)
        guard FileManager.default.fileExists(atPath: path) else { return }
        try apply(DetrPreprocessorConfigReader(path: path))
    }

    /// The processor described by a `preprocessor_config.json` file (see `init(directory:)`).
    public init(configFile path: String) throws(ModelError) {
        self.init()
        try apply(DetrPreprocessorConfigReader(path: path))
    }

    // MARK: Preprocessing

    /// Resizes, rescales, normalises and pads `images` into one batch.
    ///
    /// - Throws: `ModelError.invalidInput` for an empty batch, images of different sizes
    ///   without padding, or a padded size smaller than an image; `.image` when a resize is
    ///   impossible (e.g. a rule giving a zero side for an extremely elongated image).
    public func preprocess(_ images: [RGBImage]) throws(ModelError) -> DetrInputs {
        guard !images.isEmpty else { throw .invalidInput(operation: "DETR preprocessing", detail: "no images") }
        guard imageMean.count == 3, imageStd.count == 3 else {
            throw .invalidInput(operation: "DETR preprocessing", detail: "image_mean and image_std need 3 values each, "
                                + "found \(imageMean.count) and \(imageStd.count)")
        }
        var planes: [(height: Int, width: Int, values: [Float])] = []
        for (index, image) in images.enumerated() {
            var current = image
            if doResize {
                let size = resizeRule.outputSize(height: image.height, width: image.width)
                do { current = try image.resized(width: size.width, height: size.height, filter: resample) } catch {
                    throw .image(index: index, error)
                }
            }
            planes.append((current.height, current.width, channelPlanes(current)))
        }

        let batchHeight: Int, batchWidth: Int
        if let padSize, doPad {
            (batchHeight, batchWidth) = padSize
        } else {
            (batchHeight, batchWidth) = (planes.map(\.height).max()!, planes.map(\.width).max()!)
        }
        for (index, plane) in planes.enumerated() where plane.height > batchHeight || plane.width > batchWidth
            || (!doPad && (plane.height != batchHeight || plane.width != batchWidth)) {
            throw .invalidInput(operation: "DETR preprocessing", detail: doPad
                ? "image \(index) is \(plane.width)x\(plane.height) after resizing, larger than pad_size \(batchWidth)x\(batchHeight)"
                : "without padding (do_pad false) all images must have one size; image \(index) is "
                    + "\(plane.width)x\(plane.height), another \(batchWidth)x\(batchHeight)")
        }

        let imageStride = 3 * batchHeight * batchWidth
        var pixelValues = [Float](repeating: 0, count: images.count * imageStride)
        var pixelMask = [Float](repeating: 0, count: images.count * batchHeight * batchWidth)
        for (index, plane) in planes.enumerated() {
            for channel in 0..<3 {
                for y in 0..<plane.height {
                    let source = (channel * plane.height + y) * plane.width
                    let target = index * imageStride + (channel * batchHeight + y) * batchWidth
                    pixelValues.replaceSubrange(target..<(target + plane.width), with: plane.values[source..<(source + plane.width)])
                }
            }
            for y in 0..<plane.height {
                let row = (index * batchHeight + y) * batchWidth
                for x in 0..<plane.width { pixelMask[row + x] = 1 }
            }
        }
        return DetrInputs(pixelValues: Tensor(shape: [images.count, 3, batchHeight, batchWidth], data: pixelValues),
                          pixelMask: Tensor(shape: [images.count, batchHeight, batchWidth], data: pixelMask),
                          originalSizes: images.map { ($0.height, $0.width) })
    }

    /// The image as rescaled, normalised channel planes `[3, H, W]`, with transformers' arithmetic.
    private func channelPlanes(_ image: RGBImage) -> [Float] {
        // One lookup table per channel: every byte value maps to exactly one float.
        let tables: [[Float]] = (0..<3).map { channel in
            let mean = Float(imageMean[channel]), std = Float(imageStd[channel])
            return (0...255).map { byte in
                var value = doRescale ? Float(Double(byte) * rescaleFactor) : Float(byte)
                if doNormalize { value = (value - mean) / std }
                return value
            }
        }
        let count = image.width * image.height
        var planes = [Float](repeating: 0, count: 3 * count)
        image.pixels.withUnsafeBufferPointer { pixels in
            for channel in 0..<3 {
                let table = tables[channel]
                for i in 0..<count { planes[channel * count + i] = table[Int(pixels[3 * i + channel])] }
            }
        }
        return planes
    }
}
