import VisFiles

/// Collects text for an `AtomicFileWriter.Sink` and writes it in 64 KiB chunks (one system call per
/// line would dominate assembling a large run).
struct BufferedSink {
    private let sink: AtomicFileWriter.Sink
    private var buffer: [UInt8] = []
    private static let chunk = 1 << 16

    init(_ sink: AtomicFileWriter.Sink) {
        self.sink = sink
        buffer.reserveCapacity(Self.chunk)
    }

    mutating func write(_ text: String) throws(AtomicFileWriter.Failure) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.chunk { try flush() }
    }

    mutating func flush() throws(AtomicFileWriter.Failure) {
        guard !buffer.isEmpty else { return }
        try sink.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
