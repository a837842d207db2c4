import Foundation
import VisFiles
import VisImage
import VisPipeline

/// The daemon's files: `OUT/<relative path>.json` (the result line), annotated images under
/// `OUT/annotated/` mirroring the inbox tree, originals moved to the done or failed folder, and
/// `<name>.error.json` beside a failed original. Every written file goes through `AtomicFileWriter`.
public struct WatchOutputs: Sendable {
    /// A file operation that failed, with its path.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let operation: String
        public let reason: String
        public var description: String { "\(path): \(operation) failed: \(reason)" }
    }

    public let options: WatchOptions

    public init(options: WatchOptions) { self.options = options }

    /// Where the result line of `relativePath` goes.
    public func resultPath(relativePath: String) -> String { options.output + "/" + relativePath + ".json" }

    /// Writes the annotated images, then the result line (last: its presence means complete outputs).
    public func writeSuccess(relativePath: String, plan: ExecutionPlan, outputs: [String: PipelineValue],
                             sourceImage: ImageValue?) throws(Failure) {
        let imageOutputs = plan.outputs.filter { $0.type == .image }
        var annotated: [String: String] = [:]
        for output in imageOutputs {
            guard case .image(let image)? = outputs[output.name] else { continue }
            let relative = OutputLayout.annotatedRelativePath(output: output.name, relativePath: relativePath,
                                                              imageOutputCount: imageOutputs.count)
            let path = options.output + "/" + relative
            let data: Data
            do {
                data = path.lowercased().hasSuffix(".png") ? try ImageEncoder.pngData(image.image, name: path)
                    : try ImageEncoder.jpegData(image.image, quality: 92, name: path)
            } catch {
                throw Failure(path: path, operation: "encoding the annotated image", reason: error.description)
            }
            try write(data, to: path)
            annotated[output.name] = relative
        }
        let line = ResultLine.success(relativePath: relativePath, width: sourceImage?.image.width,
                                      height: sourceImage?.image.height, outputs: plan.outputs,
                                      values: outputs, annotatedPaths: annotated)
        try write(Data((line + "\n").utf8), to: resultPath(relativePath: relativePath))
    }

    /// Writes `failed/<relative path>.error.json`: the failure line plus the attempt count.
    public func writeFailureReport(relativePath: String, stage: String, message: String, attempts: Int) throws(Failure) {
        var line = ResultLine.failure(relativePath: relativePath, stage: stage, message: message)
        line.removeLast()
        line += ",\"attempts\":\(attempts)}\n"
        try write(Data(line.utf8), to: options.failed + "/" + relativePath + ".error.json")
    }

    /// Moves an original out of the inbox to `folder/<relative path>` (replacing an older file there).
    /// A source that is already gone is not an error (a previous run moved it).
    public func move(_ absolutePath: String, relativePath: String, into folder: String) throws(Failure) {
        let manager = FileManager.default
        guard manager.fileExists(atPath: absolutePath) else { return }
        let target = folder + "/" + relativePath
        do {
            try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if manager.fileExists(atPath: target) { try manager.removeItem(atPath: target) }
            try manager.moveItem(atPath: absolutePath, toPath: target)
        } catch {
            throw Failure(path: absolutePath, operation: "moving to \(target)", reason: error.localizedDescription)
        }
    }

    private func write(_ data: Data, to path: String) throws(Failure) {
        let folder = (path as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw Failure(path: folder, operation: "creating the folder", reason: error.localizedDescription)
        }
        do { try AtomicFileWriter.write(data, to: path) } catch {
            throw Failure(path: path, operation: "writing", reason: error.reason)
        }
    }
}
