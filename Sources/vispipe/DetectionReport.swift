import Foundation
import VisModels

/// How `vispipe forward` prints detections: a short table, or JSON shaped like transformers'
/// `object-detection` pipeline (`[{"score", "label", "box": {"xmin", "ymin", "xmax", "ymax"}}]`,
/// a list per image when the batch holds several).
enum DetectionReport {
    static func json(_ batch: [[Detection]]) -> String {
        let lists = batch.map { detections in
            "[" + detections.map(json).joined(separator: ",") + "]"
        }
        return lists.count == 1 ? lists[0] : "[" + lists.joined(separator: ",") + "]"
    }

    static func json(_ detection: Detection) -> String {
        let box = detection.box
        let coordinates = [("xmin", box.xmin), ("ymin", box.ymin), ("xmax", box.xmax), ("ymax", box.ymax)]
            .map { "\"\($0.0)\":\(JSONOutput.number($0.1))" }.joined(separator: ",")
        return "{\"score\":\(JSONOutput.number(detection.score)),\"label\":\(JSONOutput.string(detection.label)),\"box\":{\(coordinates)}}"
    }

    /// One row per detection (`image` column only for batches of several images).
    static func table(_ batch: [[Detection]], threshold: Float) -> String {
        let showImage = batch.count > 1
        let rows = batch.enumerated().flatMap { image, detections in detections.map { (image, $0) } }
        guard !rows.isEmpty else { return "no detections with a score above \(threshold)" }
        let labelWidth = max(5, rows.map { $0.1.label.count }.max()!)
        var lines = [(showImage ? "image  " : "") + "label".padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                     + "   score      xmin      ymin      xmax      ymax"]
        for (image, detection) in rows {
            let box = detection.box
            lines.append((showImage ? String(format: "%5d  ", image) : "")
                         + detection.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                         + String(format: "  %6.4f  %8.2f  %8.2f  %8.2f  %8.2f", detection.score, box.xmin, box.ymin, box.xmax, box.ymax))
        }
        return lines.joined(separator: "\n")
    }
}
