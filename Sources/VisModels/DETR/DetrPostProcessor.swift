import VisTensor

/// Turns DETR outputs into detections, as transformers' `post_process_object_detection` (and the
/// `object-detection` pipeline built on it) does:
///
/// - class probabilities are the softmax over all logits; the last class ("no object") is then
///   dropped and each query's score and label are the highest remaining probability and its index
///   (the first index on ties, as `torch.max`);
/// - a query is kept when `score > threshold`;
/// - boxes `(cx, cy, w, h)` become `(cx - w/2, cy - h/2, cx + w/2, cy + h/2)` scaled by the
///   original image's width and height (float32, as transformers computes them).
///
/// Without `topK`, detections come in query order, like transformers' output. With `topK`, the
/// `topK` highest-scoring kept detections are returned, highest first (queries with equal scores
/// in query order).
public struct DetrPostProcessor: Sendable {
    /// Class names by id (`id2label` of the model config). Missing ids are named `LABEL_<id>`, as
    /// transformers names classes without a configured name.
    public var id2label: [Int: String]
    /// Detections need a score strictly above this.
    public var threshold: Float
    /// At most this many detections per image, best first; `nil` keeps all, in query order.
    public var topK: Int?

    public init(id2label: [Int: String], threshold: Float = 0.5, topK: Int? = nil) {
        self.id2label = id2label
        self.threshold = threshold
        self.topK = topK
    }

    /// The name of class `id`.
    public func label(for id: Int) -> String { id2label[id] ?? "LABEL_\(id)" }

    /// Detections for each image of the batch; `originalSizes[b]` is image `b`'s size before
    /// preprocessing (boxes are scaled to it).
    ///
    /// - Throws: `ModelError.invalidInput` when the logits are not `[B, Q, C + 1]` with
    ///   `C >= 1`, the boxes not `[B, Q, 4]`, `originalSizes` has not `B` entries, or `topK` is negative.
    public func detections(_ output: DetrOutput, originalSizes: [(height: Int, width: Int)]) throws(ModelError) -> [[Detection]] {
        let logits = output.logits, boxes = output.predBoxes
        guard logits.rank == 3, logits.shape[2] >= 2, boxes.shape == [logits.shape[0], logits.shape[1], 4] else {
            throw .invalidInput(operation: "DETR post-processing", detail: "logits \(logits.shape) must be [B, Q, classes + 1] "
                                + "and boxes \(boxes.shape) [B, Q, 4]")
        }
        guard originalSizes.count == logits.shape[0] else {
            throw .invalidInput(operation: "DETR post-processing", detail: "\(originalSizes.count) original sizes for a batch of \(logits.shape[0])")
        }
        if let topK, topK < 0 { throw .invalidInput(operation: "DETR post-processing", detail: "topK must not be negative, found \(topK)") }

        let probabilities: Tensor
        do { probabilities = try softmax(logits, axis: -1) } catch {
            throw .computation(stage: "DETR post-processing softmax of logits \(logits.shape)", error)
        }
        let (batch, queries, classesWithNoObject) = (logits.shape[0], logits.shape[1], logits.shape[2])
        return (0..<batch).map { b in
            let width = Float(originalSizes[b].width), height = Float(originalSizes[b].height)
            var kept: [Detection] = []
            for q in 0..<queries {
                let row = (b * queries + q) * classesWithNoObject
                var label = 0
                var score = probabilities.storage[row]
                for c in 1..<(classesWithNoObject - 1) where probabilities.storage[row + c] > score {
                    score = probabilities.storage[row + c]
                    label = c
                }
                guard score > threshold else { continue }
                let box = (b * queries + q) * 4
                let (cx, cy, w, h) = (boxes.storage[box], boxes.storage[box + 1], boxes.storage[box + 2], boxes.storage[box + 3])
                kept.append(Detection(score: score, labelID: label, label: self.label(for: label),
                                      box: BoundingBox(xmin: (cx - 0.5 * w) * width, ymin: (cy - 0.5 * h) * height,
                                                       xmax: (cx + 0.5 * w) * width, ymax: (cy + 0.5 * h) * height)))
            }
            guard let topK else { return kept }
            // Sorting indices keeps equal scores in query order.
            let order = kept.indices.sorted { kept[$0].score > kept[$1].score || (kept[$0].score == kept[$1].score && $0 < $1) }
            return order.prefix(topK).map { kept[$0] }
        }
    }
}
