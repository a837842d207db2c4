import Foundation
import VisImage

/// A temporary folder for process-level watch tests: a copy of the tiny DETR fixture with a small
/// preprocessor size (a few ms per image in debug builds), a pipeline using it, and an inbox.
///
/// The tests run the built `vispipe` binary at `.build/debug/vispipe` (VisServiceTests depends on
/// the libraries only): `swift build` must have built it — `make test` runs `swift build --build-tests`
/// first, which does.
struct WatchWorkspace {
    let root: URL
    var inbox: String { root.appendingPathComponent("inbox").path }
    var out: String { root.appendingPathComponent("out").path }
    var done: String { root.appendingPathComponent("done").path }
    var failed: String { root.appendingPathComponent("failed").path }
    var staging: String { root.appendingPathComponent("staging").path }
    var pipeline: String { root.appendingPathComponent("pipeline.json").path }
    var ledger: String { out + "/.vispipe-ledger.sqlite" }

    static var binary: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/vispipe")
    }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("vispipe-watch-\(UUID().uuidString.prefix(8))")
        let manager = FileManager.default
        let model = root.appendingPathComponent("model")
        for folder in [model.path, inbox, staging] { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let fixture = fixturesDirectory.appendingPathComponent("models/detr/timm_basic")
        for file in ["config.json", "model.safetensors"] {
            try manager.copyItem(at: fixture.appendingPathComponent(file), to: model.appendingPathComponent(file))
        }
        try Data(#"{"size": {"shortest_edge": 32, "longest_edge": 48}}"#.utf8)
            .write(to: model.appendingPathComponent("preprocessor_config.json"))
        let pipeline = """
            {"version": 1, "inputs": {"file": "text", "relative_path": "text"},
             "stages": [
               {"name": "decode", "type": "decode", "inputs": {"file": "$inputs.file", "relative_path": "$inputs.relative_path"}},
               {"name": "detector", "type": "detr", "params": {"model": "\(model.path)", "threshold": 0.0, "top_k": 2},
                "inputs": {"image": "$decode.image"}},
               {"name": "draw", "type": "draw_detections", "inputs": {"image": "$decode.image", "detections": "$detector.detections"}}
             ],
             "outputs": {"detections": "$detector.detections", "annotated": "$draw.image"}}
            """
        try Data(pipeline.utf8).write(to: URL(fileURLWithPath: self.pipeline))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// A distinct 24x16 PNG per index.
    static func png(_ index: Int) throws -> Data {
        var image = RGBImage(width: 24, height: 16)
        for y in 0..<16 {
            for x in 0..<24 { image[x, y] = RGBColor(UInt8((x * 9 + index) % 256), UInt8((y * 13 + index * 7) % 256), UInt8(index % 256)) }
        }
        return try ImageEncoder.pngData(image)
    }

    /// Starts `vispipe watch` on this workspace with `extra` arguments; stderr goes to `log`.
    func startDaemon(_ extra: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["watch", pipeline, "--inbox", inbox, "--out", out, "--failed", failed] + extra
        // Appends: a restarted daemon keeps the log of the first one.
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass; returns whether it held.
    static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// Every regular file below `folder`, relative to it.
    static func files(under folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue {
                found.append(relative)
            }
        }
        return found.sorted()
    }
}
