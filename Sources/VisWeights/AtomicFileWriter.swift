#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers see either the old file or the complete new one, never a
/// partial write: the bytes go to a uniquely named temporary file in the destination directory
/// (so the final `rename` stays on one file system and is atomic), are flushed with `fsync`, and
/// the temporary file is renamed over the destination. On any failure it is removed.
///
/// VisImage has its own copy of this helper: the lower layers cannot depend on each other.
struct AtomicFileWriter {
    /// Sink handed to the `write` closure; appends bytes to the temporary file.
    struct Sink {
        fileprivate let fd: Int32
        fileprivate let temporaryPath: String

        /// Appends `bytes`, retrying short writes and interrupted calls.
        func write(_ bytes: UnsafeRawBufferPointer) throws(WeightsError) {
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw .io(file: temporaryPath, reason: "cannot write: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }

        func write(_ bytes: [UInt8]) throws(WeightsError) {
            // `withUnsafeBytes` rethrows untyped errors, so the typed error travels in a Result.
            let result: Result<Void, WeightsError> = bytes.withUnsafeBytes { buffer in
                do throws(WeightsError) { try write(buffer); return .success(()) } catch { return .failure(error) }
            }
            try result.get()
        }
    }

    /// Creates (or replaces) `path` with what `body` writes to the sink.
    static func write(to path: String, _ body: (Sink) throws(WeightsError) -> Void) throws(WeightsError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let baseName = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !baseName.isEmpty else { throw .io(file: path, reason: "cannot write: the path names a directory") }
        let temporaryPath = (directory.isEmpty ? "" : directory + "/") + ".\(baseName).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"

        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .io(file: path, reason: "cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))")
        }
        var closed = false
        do throws(WeightsError) {
            try body(Sink(fd: fd, temporaryPath: temporaryPath))
            guard fsync(fd) == 0 else { throw WeightsError.io(file: temporaryPath, reason: "cannot flush: \(String(cString: strerror(errno)))") }
            closed = true
            guard close(fd) == 0 else { throw WeightsError.io(file: temporaryPath, reason: "cannot close: \(String(cString: strerror(errno)))") }
            guard rename(temporaryPath, path) == 0 else {
                throw WeightsError.io(file: path, reason: "cannot move the temporary file into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            if !closed { close(fd) }
            unlink(temporaryPath)
            throw error
        }
    }
}

/// `write(2)` under a name that does not clash with `Sink.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
