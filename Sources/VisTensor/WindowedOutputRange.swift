/// For a sliding window read at input index `o · stride + offset` for output `o`: the outputs
/// `lo ..< hi` whose index lies inside `0 ..< inputSize`. Outside that range the read would hit
/// padding, so convolution and pooling loops split each row into padded edges and a check-free middle.
func windowedOutputRange(offset: Int, stride: Int, inputSize: Int, outputSize: Int) -> (lo: Int, hi: Int) {
    let lo = offset >= 0 ? 0 : min(outputSize, (-offset + stride - 1) / stride)
    let lastInside = inputSize - 1 - offset
    let hi = lastInside < 0 ? 0 : min(outputSize, lastInside / stride + 1)
    return (lo, max(lo, hi))
}
