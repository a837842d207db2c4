/// A (height, width) pair of integers for kernel sizes, strides, paddings and dilations.
///
/// Like PyTorch's `int or (int, int)` arguments: an integer literal sets both (`stride: 2`), and
/// `SpatialPair(2, 1)` sets them separately.
public struct SpatialPair: Sendable, Equatable, Hashable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// The same value for both dimensions.
    public init(_ both: Int) { self.init(both, both) }

    public init(integerLiteral value: Int) { self.init(value, value) }

    public var description: String { "(\(height), \(width))" }
}
