import Foundation

/// Maps images to COCO image ids, read from a file so that `coco_results.json` matches a
/// ground-truth annotation file (pycocotools' `loadRes` requires ids of the ground truth).
///
/// The file is either a COCO annotation file (`{"images": [{"id": 1, "file_name": "a.jpg"}, …]}`)
/// or a plain object `{"a.jpg": 1, …}`. An image is looked up by its relative path, then by its file name.
public struct COCOImageIDs: Sendable {
    private let ids: [String: Int]

    public init(ids: [String: Int]) { self.ids = ids }

    public init(contentsOf path: String) throws(BatchRunError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .invalidArguments("--coco-image-ids '\(path)': not readable JSON: \(error.localizedDescription)")
        }
        var ids: [String: Int] = [:]
        if let top = object as? [String: Any], let images = top["images"] as? [[String: Any]] {
            for (index, image) in images.enumerated() {
                guard let name = image["file_name"] as? String, let id = (image["id"] as? NSNumber)?.intValue else {
                    throw .invalidArguments("--coco-image-ids '\(path)': images[\(index)] needs \"id\" and \"file_name\"")
                }
                ids[name] = id
            }
        } else if let top = object as? [String: Any] {
            for (name, value) in top {
                guard let id = (value as? NSNumber)?.intValue else {
                    throw .invalidArguments("--coco-image-ids '\(path)': the id of \"\(name)\" is not a number")
                }
                ids[name] = id
            }
        } else {
            throw .invalidArguments("--coco-image-ids '\(path)': expected a COCO annotation file or an object of file name -> id")
        }
        self.ids = ids
    }

    public func id(forRelativePath relativePath: String) -> Int? {
        ids[relativePath] ?? ids[(relativePath as NSString).lastPathComponent]
    }
}
