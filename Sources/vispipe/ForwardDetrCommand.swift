import ArgumentParser
import Foundation
import VisImage
import VisModels
import VisTensor

/// `vispipe forward detr`: DETR object detection on one image (or prepared inputs).
struct ForwardDetrCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detr",
        abstract: "DETR (DetrForObjectDetection): preprocess, forward, post-process.",
        discussion: """
            Writes pixel_values [B,3,H,W], pixel_mask [B,H,W], logits [B,Q,C+1] and pred_boxes \
            [B,Q,4] (cx, cy, w, h relative to each image's unpadded size) to --out and prints the detections. \
            With --inputs, boxes are scaled to each image's unpadded extent in pixel_mask.
            """
    )

    @OptionGroup var options: ForwardOptions
    @OptionGroup var detection: DetectionOptions

    func run() throws {
        options.applyThreads()
        let directory = try options.modelDirectory()
        let model: DetrModel
        do { model = try DetrModel.load(directory: directory) } catch { throw CLIFailure("cannot load the DETR model: \(error)") }
        let (pixelValues, pixelMask, sizes) = try inputs(modelDirectory: directory)

        func pass(profile: Bool) throws(CLIFailure) -> (DetrOutput, [(name: String, seconds: Double)]?) {
            var timings: DetrStageTimings? = profile ? DetrStageTimings() : nil
            do {
                let output = try model.forward(pixelValues: pixelValues, pixelMask: pixelMask, timings: &timings)
                return (output, timings?.stages)
            } catch {
                throw CLIFailure("forward: \(error)")
            }
        }
        let output: DetrOutput
        var timing: ForwardTiming?
        if let repeats = options.repeat {
            (output, timing) = try ForwardTiming.run(repeats: repeats) { (profile: Bool) throws(CLIFailure) in try pass(profile: profile) }
        } else {
            output = try pass(profile: false).0
        }

        let tensors: [(name: String, tensor: Tensor)] = [("pixel_values", pixelValues), ("pixel_mask", pixelMask),
                                                          ("logits", output.logits), ("pred_boxes", output.predBoxes)]
        if let out = options.out { try ForwardOutputsFile.write(tensors, to: out) }

        if let timing, options.timingJson {
            print(timing.json(outputs: options.out))
            return
        }
        let postProcessor = DetrPostProcessor(id2label: model.config.id2label, threshold: detection.threshold, topK: detection.topK)
        let detections: [[Detection]]
        do { detections = try postProcessor.detections(output, originalSizes: sizes) } catch {
            throw CLIFailure("post-processing: \(error)")
        }
        if options.json {
            print(DetectionReport.json(detections))
            // stdout stays one JSON document; the timing report goes beside it.
            if let timing { CLIFailure.writeToStandardError(timing.text) }
            return
        }
        if let out = options.out { print("wrote \(out): \(ForwardOutputsFile.summary(tensors))") }
        print(DetectionReport.table(detections, threshold: detection.threshold))
        if let timing { print(timing.text) }
    }

    /// `pixel_values`, `pixel_mask` and the sizes boxes are scaled to: from the image through the
    /// model directory's preprocessing, or from `--inputs` as given.
    private func inputs(modelDirectory: String) throws(CLIFailure) -> (Tensor, Tensor, [(height: Int, width: Int)]) {
        if let path = options.inputs {
            let tensors = try ForwardInputsFile.read(path, names: ["pixel_values", "pixel_mask"])
            let mask = tensors["pixel_mask"]!
            return (tensors["pixel_values"]!, mask, try Self.unpaddedSizes(mask, file: path))
        }
        let path = options.image!
        let processor: DetrImageProcessor
        do { processor = try DetrImageProcessor(directory: modelDirectory) } catch { throw CLIFailure(error.description) }
        let image: RGBImage
        do { image = try ImageDecoder.decode(contentsOf: path) } catch { throw CLIFailure(error.description) }
        do {
            let prepared = try processor.preprocess([image])
            return (prepared.pixelValues, prepared.pixelMask, prepared.originalSizes)
        } catch {
            throw CLIFailure("\(path): \(error)")
        }
    }

    /// Each image's real (unpadded) height and width in a `[B, H, W]` mask padded bottom/right.
    static func unpaddedSizes(_ mask: Tensor, file: String) throws(CLIFailure) -> [(height: Int, width: Int)] {
        guard mask.rank == 3 else { throw CLIFailure("--inputs \(file): pixel_mask \(mask.shape) is not [B, H, W]") }
        let (batch, height, width) = (mask.shape[0], mask.shape[1], mask.shape[2])
        return (0..<batch).map { b in
            var rows = 0, columns = 0
            for y in 0..<height {
                for x in 0..<width where mask.storage[(b * height + y) * width + x] != 0 {
                    rows = max(rows, y + 1)
                    columns = max(columns, x + 1)
                }
            }
            return (rows, columns)
        }
    }
}
