import VisModels

/// Renders one image's results as a `results.jsonl` line and a failure as an `errors.jsonl` line.
///
/// Per output type: detections as `[{"score","label","label_id","box":{"xmin","ymin","xmax","ymax"}}]`
/// (original-image pixels), image as the annotated file's path relative to the output folder, mask
/// as its size and a summary (not the pixels), tensor as its shape and a summary, text as a string,
/// record as an object, scanpath as `[{"object","x","y"}]`, embedding as an array, tokens as
/// `{"ids","strings"}`.
public enum ResultLine {
    public static func success(relativePath: String, width: Int?, height: Int?, outputs: [ExecutionPlan.Output],
                        values: [String: PipelineValue], annotatedPaths: [String: String]) -> String {
        var json = JSONText()
        json.beginObject()
        json.key("path"); json.string(relativePath)
        if let width, let height {
            json.key("width"); json.integer(width)
            json.key("height"); json.integer(height)
        }
        for output in outputs {
            json.key(output.name)
            if output.type == .image {
                if let path = annotatedPaths[output.name] { json.string(path) } else { json.null() }
            } else if let value = values[output.name] {
                render(value, into: &json)
            } else {
                json.null()
            }
        }
        json.endObject()
        return json.text
    }

    public static func failure(relativePath: String, stage: String, message: String) -> String {
        var json = JSONText()
        json.beginObject()
        json.key("path"); json.string(relativePath)
        json.key("stage"); json.string(stage)
        json.key("error"); json.string(message)
        json.endObject()
        return json.text
    }

    public static func render(_ value: PipelineValue, into json: inout JSONText) {
        switch value {
        case .detections(let detections):
            json.beginArray()
            for detection in detections {
                json.beginObject()
                json.key("score"); json.number(detection.score)
                json.key("label"); json.string(detection.label)
                json.key("label_id"); json.integer(detection.labelID)
                json.key("box"); json.beginObject()
                json.key("xmin"); json.number(detection.box.xmin)
                json.key("ymin"); json.number(detection.box.ymin)
                json.key("xmax"); json.number(detection.box.xmax)
                json.key("ymax"); json.number(detection.box.ymax)
                json.endObject()
                json.endObject()
            }
            json.endArray()
        case .image(let image):
            // Images are written as files; inline only their size (used when no file was written).
            json.beginObject()
            json.key("width"); json.integer(image.image.width)
            json.key("height"); json.integer(image.image.height)
            json.endObject()
        case .mask(let mask):
            json.beginObject()
            json.key("kind"); json.string(mask.kind == .binary ? "binary" : "heat_map")
            json.key("width"); json.integer(mask.width)
            json.key("height"); json.integer(mask.height)
            summary(mask.values, into: &json)
            json.key("nonzero_fraction")
            json.number(mask.values.isEmpty ? 0 : Double(mask.values.count(where: { $0 != 0 })) / Double(mask.values.count))
            json.endObject()
        case .tensor(let tensor):
            json.beginObject()
            json.key("shape"); json.beginArray(); for size in tensor.shape { json.integer(size) }; json.endArray()
            summary(tensor.storage, into: &json)
            json.endObject()
        case .text(let text):
            json.string(text)
        case .embedding(let values):
            json.beginArray(); for value in values { json.number(value) }; json.endArray()
        case .tokens(let tokens):
            json.beginObject()
            json.key("ids"); json.beginArray(); for id in tokens.ids { json.integer(id) }; json.endArray()
            if let strings = tokens.strings {
                json.key("strings"); json.beginArray(); for string in strings { json.string(string) }; json.endArray()
            }
            json.endObject()
        case .scanpath(let fixations):
            json.beginArray()
            for fixation in fixations {
                json.beginObject()
                json.key("object"); json.integer(fixation.objectIndex)
                json.key("x"); json.number(fixation.x)
                json.key("y"); json.number(fixation.y)
                json.endObject()
            }
            json.endArray()
        case .record(let fields):
            json.beginObject()
            for key in fields.keys.sorted() {
                json.key(key)
                switch fields[key]! {
                case .string(let value): json.string(value)
                case .number(let value): json.number(value)
                case .bool(let value): json.bool(value)
                }
            }
            json.endObject()
        }
    }

    /// `min`, `max`, `mean` of `values` (absent for an empty array).
    private static func summary(_ values: [Float], into json: inout JSONText) {
        guard let first = values.first else { return }
        var low = first, high = first, sum = 0.0
        for value in values { low = min(low, value); high = max(high, value); sum += Double(value) }
        json.key("min"); json.number(low)
        json.key("max"); json.number(high)
        json.key("mean"); json.number(sum / Double(values.count))
    }
}
