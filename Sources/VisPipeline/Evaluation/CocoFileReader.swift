import Foundation

/// Reads COCO `instances.json` ground truth and bbox results files (the list of
/// `{"image_id", "category_id", "bbox", "score"}` objects that detectors write).
public enum CocoFileReader {
    /// Reads a ground-truth file: `images[].id`, `categories[].id` and `annotations[]` with `id`,
    /// `image_id`, `category_id`, `bbox`, `area` and optional `iscrowd`.
    public static func groundTruth(path: String) throws(CocoFileError) -> CocoGroundTruth {
        try groundTruth(data: read(path), file: path)
    }

    /// Reads ground truth from JSON bytes; `file` names them in errors.
    public static func groundTruth(data: Data, file: String) throws(CocoFileError) -> CocoGroundTruth {
        let fields = JSONFields(file: file)
        let root = try fields.object(parse(data, file: file), at: "$")
        let images = try fields.array(root["images"], at: "$.images")
        let imageIDs = try images.enumerated().map { (index, image) throws(CocoFileError) in
            let path = "$.images[\(index)]"
            return try fields.integer(fields.object(image, at: path)["id"], at: path + ".id")
        }
        let categories = try fields.array(root["categories"], at: "$.categories")
        let categoryIDs = try categories.enumerated().map { (index, category) throws(CocoFileError) in
            let path = "$.categories[\(index)]"
            return try fields.integer(fields.object(category, at: path)["id"], at: path + ".id")
        }
        let annotations = try fields.array(root["annotations"] ?? [Any](), at: "$.annotations")
        let objects = try annotations.enumerated().map { (index, annotation) throws(CocoFileError) in
            let path = "$.annotations[\(index)]"
            let object = try fields.object(annotation, at: path)
            let crowd = try object["iscrowd"].map { (value) throws(CocoFileError) in try fields.number(value, at: path + ".iscrowd") } ?? 0
            return CocoGroundTruthObject(
                id: try fields.integer(object["id"], at: path + ".id"),
                imageID: try fields.integer(object["image_id"], at: path + ".image_id"),
                categoryID: try fields.integer(object["category_id"], at: path + ".category_id"),
                box: try fields.box(object["bbox"], at: path + ".bbox"),
                area: try fields.number(object["area"], at: path + ".area"),
                isCrowd: crowd != 0)
        }
        return CocoGroundTruth(imageIDs: imageIDs, categoryIDs: categoryIDs, objects: objects)
    }

    /// Reads a bbox results file; every `image_id` must be an image of `groundTruth`
    /// (pycocotools refuses such files too).
    public static func detections(path: String, groundTruth: CocoGroundTruth) throws(CocoFileError) -> [CocoDetection] {
        try detections(data: read(path), file: path, groundTruth: groundTruth)
    }

    /// Reads detections from JSON bytes; `file` names them in errors.
    public static func detections(data: Data, file: String, groundTruth: CocoGroundTruth) throws(CocoFileError) -> [CocoDetection] {
        let fields = JSONFields(file: file)
        let known = Set(groundTruth.imageIDs)
        let results = try fields.array(parse(data, file: file), at: "$")
        return try results.enumerated().map { (index, result) throws(CocoFileError) in
            let path = "$[\(index)]"
            let object = try fields.object(result, at: path)
            let imageID = try fields.integer(object["image_id"], at: path + ".image_id")
            guard known.contains(imageID) else {
                throw .unknownImage(file: file, jsonPath: path + ".image_id", imageID: imageID)
            }
            return CocoDetection(
                imageID: imageID,
                categoryID: try fields.integer(object["category_id"], at: path + ".category_id"),
                box: try fields.box(object["bbox"], at: path + ".bbox"),
                score: try fields.number(object["score"], at: path + ".score"))
        }
    }

    private static func read(_ path: String) throws(CocoFileError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
    }

    private static func parse(_ data: Data, file: String) throws(CocoFileError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .invalidJSON(file: file, reason: error.localizedDescription)
        }
    }
}

/// Typed access to parsed JSON values, failing with the value's JSON path.
private struct JSONFields {
    let file: String

    func object(_ value: Any?, at path: String) throws(CocoFileError) -> [String: Any] {
        guard let object = value as? [String: Any] else { throw .wrongValue(file: file, jsonPath: path, expected: "an object") }
        return object
    }

    func array(_ value: Any?, at path: String) throws(CocoFileError) -> [Any] {
        guard let array = value as? [Any] else { throw .wrongValue(file: file, jsonPath: path, expected: "an array") }
        return array
    }

    func number(_ value: Any?, at path: String) throws(CocoFileError) -> Double {
        guard let number = value as? NSNumber, number.doubleValue.isFinite else {
            throw .wrongValue(file: file, jsonPath: path, expected: "a number")
        }
        return number.doubleValue
    }

    func integer(_ value: Any?, at path: String) throws(CocoFileError) -> Int {
        let number = try self.number(value, at: path)
        guard number == number.rounded(), abs(number) < 9e15 else {
            throw .wrongValue(file: file, jsonPath: path, expected: "an integer")
        }
        return Int(number)
    }

    func box(_ value: Any?, at path: String) throws(CocoFileError) -> CocoBox {
        let values = try array(value, at: path)
        guard values.count == 4 else { throw .wrongValue(file: file, jsonPath: path, expected: "[x, y, width, height]") }
        var numbers: [Double] = []
        for (index, element) in values.enumerated() { numbers.append(try number(element, at: "\(path)[\(index)]")) }
        return CocoBox(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
    }
}
