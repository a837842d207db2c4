import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old content or the complete new content, never a
/// partial file: the bytes go to a uniquely named temporary file in the same directory (same file
/// system, so the rename is atomic), are flushed with `fsync`, and the temporary file is renamed
/// over the target. On any failure the temporary file is removed and the target is left untouched.
///
/// Every layer that writes results (images, checkpoints, run records) goes through this type.
public enum AtomicFileWriter {
    /// A failed atomic write: the target path, the step that failed and the system's reason.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let operation: String
        public let reason: String
        public init(path: String, operation: String, reason: String) {
            self.path = path; self.operation = operation; self.reason = reason
        }
        public var description: String { "\(path): \(operation) failed: \(reason)" }
    }

    /// Handed to the `write(to:_:)` body; appends bytes to the temporary file.
    public struct Sink {
        fileprivate let descriptor: Int32
        fileprivate let path: String

        /// Appends `bytes`, retrying short writes and interrupted calls.
        public func write(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(path: path, operation: "writing", reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }

        public func write<Bytes: ContiguousBytes>(_ bytes: Bytes) throws(Failure) {
            // `withUnsafeBytes` rethrows untyped errors, so the typed error travels in a Result.
            let result: Result<Void, Failure> = bytes.withUnsafeBytes { buffer in
                do throws(Failure) { try write(buffer); return .success(()) } catch { return .failure(error) }
            }
            try result.get()
        }
    }

    /// Atomically replaces (or creates) the file at `path` with `bytes`. The directory must exist.
    public static func write<Bytes: ContiguousBytes>(_ bytes: Bytes, to path: String) throws(Failure) {
        try write(to: path) { (sink) throws(Failure) in try sink.write(bytes) }
    }

    /// Atomically replaces (or creates) the file at `path` with what `body` writes to the sink.
    /// A failure inside `body` aborts the write: the target is untouched and no temporary remains.
    public static func write(to path: String, _ body: (Sink) throws(Failure) -> Void) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        let directory = url.deletingLastPathComponent().path
        func failure(_ operation: String, _ code: Int32 = errno) -> Failure {
            Failure(path: path, operation: operation, reason: String(cString: strerror(code)))
        }
        if path.hasSuffix("/") || name.isEmpty {
            throw Failure(path: path, operation: "writing", reason: "the path names a directory")
        }
        let temporary = directory + "/." + name + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("creating temporary file \(temporary)") }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(descriptor) }
            if !renamed { unlink(temporary) }
        }
        try body(Sink(descriptor: descriptor, path: temporary))
        guard fsync(descriptor) == 0 else { throw failure("fsync") }
        closed = true
        guard close(descriptor) == 0 else { throw failure("closing") }
        guard rename(temporary, path) == 0 else { throw failure("renaming \(temporary) to the target") }
        renamed = true
        // Make the rename itself durable; a failure here cannot be undone, so it is not reported.
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}

/// `write(2)`, named apart from the `write` methods above.
@inline(__always)
private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, pointer, count)
    #else
    return Darwin.write(fd, pointer, count)
    #endif
}
