import VisTensor

/// `max |actual − expected| / max |expected|` — one number per comparison, scale-free, and
/// insensitive to tiny reference elements. Infinite on a shape mismatch, NaN if either side has a NaN
/// where the other does not, so a `<=` check against a tolerance fails in both cases.
func maxRelativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
    guard actual.shape == expected.shape else { return .infinity }
    var largestDifference: Float = 0, largestReference: Float = 0
    for (a, e) in zip(actual.storage, expected.storage) {
        if a.isNaN != e.isNaN { return .nan }
        if a.isNaN { continue }
        largestDifference = max(largestDifference, abs(a - e))
        largestReference = max(largestReference, abs(e))
    }
    return largestReference == 0 ? largestDifference : largestDifference / largestReference
}
