import Foundation

/// Where a run's files go inside its output folder:
///
/// ```
/// <out>/results.jsonl          one line per succeeded image
/// <out>/errors.jsonl           one line per failed image
/// <out>/coco_results.json      when an output is detections
/// <out>/run.json               manifest: hashes, versions, times, counts, stage timings
/// <out>/annotated/<rel>        image outputs (annotated/<output>/<rel> when there are several)
/// <out>/.records/<hash>/<key>.json   one committed record per finished image
/// ```
public struct OutputLayout: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public var results: String { root + "/results.jsonl" }
    public var errors: String { root + "/errors.jsonl" }
    public var cocoResults: String { root + "/coco_results.json" }
    public var manifest: String { root + "/run.json" }
    public var annotatedRoot: String { root + "/annotated" }
    public var recordsRoot: String { root + "/.records" }

    public func recordsDirectory(pipelineHash: String) -> String { recordsRoot + "/" + pipelineHash }

    func recordPath(pipelineHash: String, relativePath: String) -> String {
        recordsDirectory(pipelineHash: pipelineHash) + "/" + RecordKey.forRelativePath(relativePath) + ".json"
    }

    /// The annotated file for `relativePath`, relative to the output folder: PNG inputs stay PNG, other
    /// images are written as JPEG (the extension is kept).
    public static func annotatedRelativePath(output: String, relativePath: String, imageOutputCount: Int) -> String {
        imageOutputCount > 1 ? "annotated/\(output)/\(relativePath)" : "annotated/\(relativePath)"
    }

    /// The files this layout owns (what `--force` removes).
    var ownedPaths: [String] { [results, errors, cocoResults, manifest, annotatedRoot, recordsRoot] }

    /// Prepares the folder for a run of `pipelineHash`. A folder holding records of another pipeline
    /// is refused unless `force`; one holding records of this pipeline is refused unless `resume` or
    /// `force`. `force` removes this layout's files (nothing else) and starts over. Leftover temporary
    /// files of an interrupted atomic write are removed.
    func prepare(pipelineHash: String, resume: Bool, force: Bool) throws(BatchRunError) {
        let manager = FileManager.default
        let existing = ((try? manager.contentsOfDirectory(atPath: recordsRoot)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        let others = existing.filter { $0 != pipelineHash }
        // An empty records folder (a run that failed while loading models) holds nothing to protect.
        let hasOwn = existing.contains(pipelineHash)
            && !((try? manager.contentsOfDirectory(atPath: recordsDirectory(pipelineHash: pipelineHash))) ?? []).isEmpty
        let hasOutputs = [results, errors, cocoResults, manifest, annotatedRoot].contains { manager.fileExists(atPath: $0) }
        if force {
            for path in ownedPaths where manager.fileExists(atPath: path) {
                do { try manager.removeItem(atPath: path) } catch {
                    throw .io("cannot remove \(path) for --force: \(error.localizedDescription)")
                }
            }
        } else if !others.isEmpty {
            throw .invalidArguments("output folder '\(root)' holds results of a different pipeline (hash \(others[0].prefix(12))…); "
                                    + "choose another --out or pass --force to replace them")
        } else if (hasOwn || hasOutputs) && !resume {
            throw .invalidArguments("output folder '\(root)' already holds results of this pipeline; "
                                    + "pass --resume to finish them or --force to start over")
        } else if hasOutputs && !hasOwn {
            throw .invalidArguments("output folder '\(root)' holds result files but no run records; "
                                    + "pass --force to replace them")
        }
        do {
            try manager.createDirectory(atPath: recordsDirectory(pipelineHash: pipelineHash), withIntermediateDirectories: true)
        } catch {
            throw .io("cannot create output folder '\(root)': \(error.localizedDescription)")
        }
        if resume { removeLeftoverTemporaries() }
    }

    /// Removes `.<name>.<pid>.<random>.tmp` files that an atomic write killed mid-way leaves behind.
    public func removeLeftoverTemporaries() {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if Self.isAtomicTemporary(name) { try? FileManager.default.removeItem(atPath: root + "/" + relative) }
        }
    }

    /// Names `AtomicFileWriter` gives its temporary files: `.<name>.<pid>.<random>.tmp`.
    public static func isAtomicTemporary(_ name: String) -> Bool {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
        let parts = name.dropFirst().dropLast(4).split(separator: ".")
        guard parts.count >= 3 else { return false }
        return parts[parts.count - 1].allSatisfy(\.isNumber) && parts[parts.count - 2].allSatisfy(\.isNumber)
    }
}
