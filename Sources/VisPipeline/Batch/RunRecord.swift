import Foundation

/// What one finished image commits: a small file under `<out>/.records/<pipeline-hash>/`, written
/// atomically after the image's annotated files. Its existence means "done" for `--resume`; the
/// output files are assembled from these records.
///
/// Format: line 1 a JSON header (path, success, per-stage milliseconds, COCO boxes), line 2 the exact
/// `results.jsonl` (success) or `errors.jsonl` (failure) line.
struct RunRecord: Equatable {
    struct Header: Codable, Equatable {
        /// Format version.
        var v: Int = 1
        var path: String
        var ok: Bool
        /// Stage name -> wall milliseconds.
        var times: [String: Double]
        /// COCO boxes without the image id (assigned at assembly): `[category_id, x, y, w, h, score]`.
        var coco: [[Double]]
    }

    var header: Header
    var line: String

    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Header fields are plain strings and numbers; encoding cannot fail.
        let head = (try? encoder.encode(header)) ?? Data("{}".utf8)
        var data = head
        data.append(contentsOf: Array("\n".utf8))
        data.append(contentsOf: Array((line + "\n").utf8))
        return data
    }

    /// Parses a record; `nil` when it is not a complete record of `expectedPath` (it is then redone).
    static func decode(_ data: Data, expectedPath: String) -> RunRecord? {
        let bytes = [UInt8](data)
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")), bytes.last == UInt8(ascii: "\n") else { return nil }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[..<newline])),
              header.path == expectedPath, header.v == 1 else { return nil }
        let line = String(decoding: bytes[(newline + 1)..<(bytes.count - 1)], as: UTF8.self)
        guard !line.isEmpty, !line.contains("\n") else { return nil }
        return RunRecord(header: header, line: line)
    }
}
