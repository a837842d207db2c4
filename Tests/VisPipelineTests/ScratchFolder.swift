import Foundation
import VisImage

/// A fresh temporary folder for one test; `remove()` deletes it.
struct ScratchFolder {
    let path: String
    var url: URL { URL(fileURLWithPath: path) }

    init(_ label: String = #function) {
        let name = label.filter { $0.isLetter || $0.isNumber }
        path = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("vispipe-\(name)-\(UUID().uuidString.prefix(8))").standardizedFileURL.path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// The absolute path of `component` inside the folder.
    func path(_ component: String) -> String { path + "/" + component }

    func write(_ relative: String, _ data: Data) {
        let full = path(relative)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: data)
    }

    /// Writes `text` to `name` and returns the file's absolute path.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        write(name, Data(text.utf8))
        return path(name)
    }

    /// A small image whose colour depends on `seed`, as PNG or JPEG by extension.
    func writeImage(_ relative: String, width: Int = 20, height: Int = 16, seed: UInt8 = 1) {
        var image = RGBImage(width: width, height: height, fill: RGBColor(seed &* 37, seed &* 11, 200))
        image.drawRectangle(left: 2, top: 2, right: 8, bottom: 8, color: .white, thickness: 1)
        let data = relative.lowercased().hasSuffix(".png") ? try! ImageEncoder.pngData(image) : try! ImageEncoder.jpegData(image, quality: 90)
        write(relative, data)
    }

    /// Every file below the folder, relative, sorted.
    func allFiles() -> [String] {
        (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).filter { relative in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path(relative), isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }.sorted()
    }

    func lines(_ relative: String) -> [String] {
        guard let text = try? String(contentsOfFile: path(relative), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    func json(_ relative: String) -> Any? {
        guard let data = FileManager.default.contents(atPath: path(relative)) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }
}
