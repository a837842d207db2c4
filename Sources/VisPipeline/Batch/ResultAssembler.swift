import Foundation
import VisFiles

/// Counts and timings gathered while assembling.
struct AssemblyStats {
    var total = 0
    var succeeded = 0
    var failed = 0
    /// Stage name -> per-image durations, in the order stages first appear.
    var stageTimes: [(name: String, histogram: DurationHistogram)] = []
    var cocoDetections = 0
    var cocoUnmappedImages = 0

    mutating func addTime(_ stage: String, milliseconds: Double) {
        if let index = stageTimes.firstIndex(where: { $0.name == stage }) {
            stageTimes[index].histogram.add(milliseconds: milliseconds)
        } else {
            var histogram = DurationHistogram()
            histogram.add(milliseconds: milliseconds)
            stageTimes.append((stage, histogram))
        }
    }
}

/// Rebuilds `results.jsonl`, `errors.jsonl`, `coco_results.json` and `run.json` from the committed
/// records, in the inputs' deterministic order, each file replaced atomically. Because records are
/// the only source, an image appears exactly once however often the run was interrupted and resumed.
struct ResultAssembler {
    var inputs: InputSet
    var layout: OutputLayout
    var pipelineHash: String
    /// Stage order for `run.json` (stages that never ran are listed last).
    var stageOrder: [String]
    /// Whether to write `coco_results.json` (some output is detections).
    var writesCOCO: Bool
    /// Ids from `--coco-image-ids`; without it an image's id is its 1-based position in the order.
    var cocoImageIDs: COCOImageIDs?

    func assemble(manifest: RunManifest) throws(BatchRunError) -> AssemblyStats {
        var stats = AssemblyStats()
        for stage in stageOrder { stats.stageTimes.append((stage, DurationHistogram())) }
        do {
            try AtomicFileWriter.write(to: layout.results) { (resultsSink) throws(AtomicFileWriter.Failure) in
                try AtomicFileWriter.write(to: layout.errors) { (errorsSink) throws(AtomicFileWriter.Failure) in
                    var results = BufferedSink(resultsSink)
                    var errors = BufferedSink(errorsSink)
                    if writesCOCO {
                        try AtomicFileWriter.write(to: layout.cocoResults) { (cocoSink) throws(AtomicFileWriter.Failure) in
                            var coco: BufferedSink? = BufferedSink(cocoSink)
                            try coco!.write("[")
                            try pass(&stats, &results, &errors, &coco)
                            try coco!.write(stats.cocoDetections > 0 ? "\n]\n" : "]\n")
                            try coco!.flush()
                        }
                    } else {
                        var noCOCO: BufferedSink?
                        try pass(&stats, &results, &errors, &noCOCO)
                    }
                    try results.flush()
                    try errors.flush()
                }
            }
            try AtomicFileWriter.write(Data(manifest.json(stats: stats).utf8), to: layout.manifest)
        } catch {
            throw .io("writing results: \(error)")
        }
        return stats
    }

    /// `{"image_id":N,` + the rest of a record's JSON object line.
    static func prependingImageID(_ id: Int, to line: String) -> String {
        guard line.hasPrefix("{") else { return line }
        return "{\"image_id\":\(id)" + (line.hasPrefix("{}") ? "" : ",") + line.dropFirst()
    }

    /// One walk over the inputs, copying each committed record's line to its file.
    private func pass(_ stats: inout AssemblyStats, _ results: inout BufferedSink, _ errors: inout BufferedSink,
                      _ coco: inout BufferedSink?) throws(AtomicFileWriter.Failure) {
        var position = 0
        for item in inputs {
            position += 1
            stats.total += 1
            let path = layout.recordPath(pipelineHash: pipelineHash, relativePath: item.relativePath)
            guard let data = FileManager.default.contents(atPath: path),
                  let record = RunRecord.decode(data, expectedPath: item.relativePath) else { continue }
            for (stage, milliseconds) in record.header.times.sorted(by: { $0.key < $1.key }) {
                stats.addTime(stage, milliseconds: milliseconds)
            }
            if !record.header.ok {
                stats.failed += 1
                try errors.write(record.line + "\n")
                continue
            }
            stats.succeeded += 1
            let imageID = cocoImageIDs.map { $0.id(forRelativePath: item.relativePath) } ?? position
            // The line carries the image's COCO id, so results.jsonl and coco_results.json join.
            try results.write((imageID.map { Self.prependingImageID($0, to: record.line) } ?? record.line) + "\n")
            guard coco != nil, !record.header.coco.isEmpty else { continue }
            guard let imageID else { stats.cocoUnmappedImages += 1; continue }
            for box in record.header.coco where box.count == 6 {
                var json = JSONText()
                json.beginObject()
                json.key("image_id"); json.integer(imageID)
                json.key("category_id"); json.integer(Int(box[0]))
                json.key("bbox"); json.beginArray()
                for value in box[1...4] { json.number(Float(value)) }
                json.endArray()
                json.key("score"); json.number(Float(box[5]))
                json.endObject()
                try coco!.write((stats.cocoDetections == 0 ? "\n" : ",\n") + json.text)
                stats.cocoDetections += 1
            }
        }
    }
}
