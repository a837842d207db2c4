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
///
/// `labelsPerQuery` above 1 departs from transformers on purpose: each query then offers its
/// `labelsPerQuery` most probable classes, each as its own detection (with its own probability as
/// score, same box), as Deformable DETR's post-processing does over query-class pairs. A query
/// torn between two classes then also yields its second guess at a lower score, which COCO AP
/// rewards; a score above 0.5 can only come from a query's best class, so it changes nothing at
/// thresholds of 0.5 and above.
public struct DetrPostProcessor: Sendable {
    /// Class names by id (`id2label` of the model config). Missing ids are named `LABEL_<id>`, as
    /// transformers names classes without a configured name.
    public var id2label: [Int: String]
    /// Detections need a score strictly above this.
    public var threshold: Float
    /// At most this many detections per image, best first; `nil` keeps all, in query order.
    public var topK: Int?
    /// How many of each query's most probable classes become detections (1: transformers' best
    /// class only; values above the class count offer every class).
    public var labelsPerQuery: Int

    public init(id2label: [Int: String], threshold: Float = 0.5, topK: Int? = nil, labelsPerQuery: Int = 1) {
        self.id2label = id2label
        self.threshold = threshold
        self.topK = topK
        self.labelsPerQuery = labelsPerQuery
    }

    /// The name of class `id`.
    public func label(for id: Int) -> String { id2label[id] ?? "LABEL_\(id)" }

    /// Detections for each image of the batch; `originalSizes[b]` is image `b`'s size before
    /// preprocessing (boxes are scaled to it).
    ///
    /// - Throws: `ModelError.invalidInput` when the logits are not `[B, Q, C + 1]` with
    ///   `C >= 1`, the boxes not `[B, Q, 4]`, `originalSizes` has not `B` entries, `topK` is negative
    ///   or `labelsPerQuery` is below 1.
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
        guard labelsPerQuery >= 1 else {
            throw .invalidInput(operation: "DETR post-processing", detail: "labelsPerQuery must be at least 1, found \(labelsPerQuery)")
        }

        let probabilities: Tensor
        do { probabilities = try softmax(logits, axis: -1) } catch {
            throw .computation(stage: "DETR post-processing softmax of logits \(logits.shape)", error)
        }
        let (batch, queries, classesWithNoObject) = (logits.shape[0], logits.shape[1], logits.shape[2])
        return (0..<batch).map { b in
            let width = Float(originalSizes[b].width), height = Float(originalSizes[b].height)
            var kept: [Detection] = []
            let classes = classesWithNoObject - 1
            for q in 0..<queries {
                let row = (b * queries + q) * classesWithNoObject
                let box = (b * queries + q) * 4
                let (cx, cy, w, h) = (boxes.storage[box], boxes.storage[box + 1], boxes.storage[box + 2], boxes.storage[box + 3])
                let pixels = BoundingBox(xmin: (cx - 0.5 * w) * width, ymin: (cy - 0.5 * h) * height,
                                         xmax: (cx + 0.5 * w) * width, ymax: (cy + 0.5 * h) * height)
                for label in Self.mostProbable(labelsPerQuery, of: probabilities.storage[row..<(row + classes)]) {
                    let score = probabilities.storage[row + label]
                    guard score > threshold else { break }
                    kept.append(Detection(score: score, labelID: label, label: self.label(for: label), box: pixels))
                }
            }
            guard let topK else { return kept }
            return Array(kept.sortedByScore().prefix(topK))
        }
    }

    /// The indices of the `count` highest probabilities, highest first; equal probabilities keep
    /// the lower index first (so `count == 1` is `torch.max`'s first maximum).
    static func mostProbable(_ count: Int, of probabilities: ArraySlice<Float>) -> [Int] {
        let base = probabilities.startIndex
        if count == 1 {
            var best = base
            for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
            return [best - base]
        }
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1) }
        return order.prefix(count).map { $0 - base }
    }
}
