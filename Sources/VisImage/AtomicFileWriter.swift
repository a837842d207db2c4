import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old content or the complete new content, never a
/// partial file: the bytes go to a temporary file in the same directory (same file system, so the
/// rename is atomic), are flushed with `fsync`, and the temporary file is renamed over the target.
/// On any failure the temporary file is removed and the target is left untouched.
public enum AtomicFileWriter {
    /// A failed atomic write: the target path, the step that failed and the system's reason.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let operation: String
        public let reason: String
        public var description: String { "\(path): \(operation) failed: \(reason)" }
    }

    /// Atomically replaces (or creates) the file at `path` with `bytes`. The directory must exist.
    public static func write<Bytes: ContiguousBytes>(_ bytes: Bytes, to path: String) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        func failure(_ operation: String, _ code: Int32 = errno) -> Failure {
            Failure(path: path, operation: operation, reason: String(cString: strerror(code)))
        }

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("creating temporary file \(temporary)") }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(descriptor) }
            if !renamed { unlink(temporary) }
        }

        let writeError: Int32? = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let writeError { throw failure("writing", writeError) }
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

/// `write(2)`, named apart from the `write` method above.
@inline(__always)
private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, pointer, count)
    #else
    return Darwin.write(fd, pointer, count)
    #endif
}
