import Foundation

/// What `run.json` says besides the counts assembled from the records.
struct RunManifest {
    enum Status: String { case running, complete, stoppedAfterFailure = "stopped_after_failure", interrupted }

    var vispipeVersion: String
    var pipelineName: String
    var pipelineHash: String
    /// Model file paths with their SHA-256 hex (`nil` when no hasher was given).
    var modelFiles: [(path: String, sha256: String?)]
    var inputs: [String]
    var outputFolder: String
    var started: Date
    var finished: Date?
    var status: Status
    var jobs: Int
    var threads: Int?
    var resumed: Bool
    var failFast: Bool
    /// Images skipped by this invocation because a record already existed.
    var skipped: Int
    var setupSeconds: Double
    var wallSeconds: Double
    var stageBusySeconds: Double
    var cocoImageIDSource: String?

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    func json(stats: AssemblyStats) -> String {
        var json = JSONText()
        json.beginObject()
        json.key("vispipe_version"); json.string(vispipeVersion)
        json.key("pipeline"); json.beginObject()
        json.key("name"); json.string(pipelineName)
        json.key("hash"); json.string(pipelineHash)
        json.endObject()
        json.key("model_files"); json.beginArray()
        for file in modelFiles {
            json.beginObject()
            json.key("path"); json.string(file.path)
            json.key("sha256"); if let hash = file.sha256 { json.string(hash) } else { json.null() }
            json.endObject()
        }
        json.endArray()
        json.key("inputs"); json.beginArray(); for input in inputs { json.string(input) }; json.endArray()
        json.key("output_folder"); json.string(outputFolder)
        json.key("status"); json.string(status.rawValue)
        json.key("started"); json.string(Self.timestamp(started))
        json.key("finished"); if let finished { json.string(Self.timestamp(finished)) } else { json.null() }
        json.key("options"); json.beginObject()
        json.key("jobs"); json.integer(jobs)
        json.key("threads"); if let threads { json.integer(threads) } else { json.null() }
        json.key("resume"); json.bool(resumed)
        json.key("fail_fast"); json.bool(failFast)
        json.endObject()
        json.key("counts"); json.beginObject()
        json.key("total"); json.integer(stats.total)
        json.key("succeeded"); json.integer(stats.succeeded)
        json.key("failed"); json.integer(stats.failed)
        json.key("skipped"); json.integer(skipped)
        json.key("not_processed"); json.integer(stats.total - stats.succeeded - stats.failed)
        json.endObject()
        json.key("stages"); json.beginArray()
        for (name, histogram) in stats.stageTimes {
            json.beginObject()
            json.key("name"); json.string(name)
            json.key("count"); json.integer(histogram.count)
            json.key("p50_ms"); rounded(histogram.quantile(0.5), into: &json)
            json.key("p95_ms"); rounded(histogram.quantile(0.95), into: &json)
            json.endObject()
        }
        json.endArray()
        json.key("timing"); json.beginObject()
        json.key("setup_seconds"); json.number(round(setupSeconds * 1000) / 1000)
        json.key("wall_seconds"); json.number(round(wallSeconds * 1000) / 1000)
        json.key("stage_busy_seconds"); json.number(round(stageBusySeconds * 1000) / 1000)
        let overhead = max(0, wallSeconds - stageBusySeconds)
        json.key("runner_overhead_seconds"); json.number(round(overhead * 1000) / 1000)
        json.key("runner_overhead_fraction"); json.number(wallSeconds > 0 ? round(overhead / wallSeconds * 10000) / 10000 : 0)
        json.endObject()
        if let cocoImageIDSource {
            json.key("coco"); json.beginObject()
            json.key("image_ids"); json.string(cocoImageIDSource)
            json.key("unmapped_images"); json.integer(stats.cocoUnmappedImages)
            json.key("detections"); json.integer(stats.cocoDetections)
            json.endObject()
        }
        json.endObject()
        return json.text + "\n"
    }

    private func rounded(_ value: Double?, into json: inout JSONText) {
        if let value { json.number((value * 1000).rounded() / 1000) } else { json.null() }
    }
}
