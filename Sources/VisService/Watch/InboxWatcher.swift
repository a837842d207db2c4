import Foundation
import Glibc
import Synchronization

/// Watches an inbox with inotify on a dedicated thread and reports `InboxEvent`s through an
/// `AsyncStream`. Files are reported on close-after-write and on moved-in; with `recursive`,
/// sub-folders (also ones created later) are watched too. Ignored names (`InboxFilter`) and
/// `excluded` folders (outputs inside the inbox) are not reported.
public final class InboxWatcher: Sendable {
    /// An inotify call that failed.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let operation: String
        public let reason: String
        public var description: String { "\(path): \(operation) failed: \(reason)" }
    }

    public let root: String
    public let recursive: Bool
    public let excluded: [String]
    /// The reported events; finishes after `stop()`.
    public let events: AsyncStream<InboxEvent>
    private let continuation: AsyncStream<InboxEvent>.Continuation
    private let descriptor: Int32
    private let stopped = Atomic<Bool>(false)

    private static let fileMask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO)

    /// Adds the watches (all folders when `recursive`) and starts the reading thread.
    public init(root: String, recursive: Bool, excluded: [String] = []) throws(Failure) {
        self.root = root; self.recursive = recursive; self.excluded = excluded
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw Failure(path: root, operation: "inotify_init1", reason: String(cString: strerror(errno))) }
        descriptor = fd
        (events, continuation) = AsyncStream.makeStream(of: InboxEvent.self, bufferingPolicy: .unbounded)
        var folders: [Int32: String] = [:]
        do { try addWatches(under: root, into: &folders) } catch {
            close(fd)
            throw error
        }
        let initialFolders = folders
        let thread = Thread { [self] in readLoop(folders: initialFolders) }
        thread.name = "vispipe-inotify"
        thread.start()
    }

    /// Stops the thread (within a poll interval) and finishes `events`.
    public func stop() { stopped.store(true, ordering: .releasing) }

    private var mask: UInt32 { Self.fileMask | (recursive ? UInt32(IN_CREATE) : 0) }

    private func isExcluded(_ path: String) -> Bool {
        excluded.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// Watches `folder` and, when recursive, every non-ignored folder below it.
    private func addWatches(under folder: String, into folders: inout [Int32: String]) throws(Failure) {
        let wd = inotify_add_watch(descriptor, folder, mask)
        guard wd >= 0 else {
            throw Failure(path: folder, operation: "inotify_add_watch", reason: String(cString: strerror(errno)))
        }
        folders[wd] = folder
        guard recursive else { return }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where !InboxFilter.isIgnored(name: name) {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue, !isExcluded(path) {
                try addWatches(under: path, into: &folders)
            }
        }
    }

    /// Blocks in `poll` (a short timeout, to notice `stop()`) and decodes `inotify_event` records.
    /// The folder map lives only on this thread; it grows with folders, never with files.
    private func readLoop(folders initial: [Int32: String]) {
        var folders = initial
        let bufferSize = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer {
            buffer.deallocate()
            close(descriptor)
            continuation.finish()
        }
        let headerSize = MemoryLayout<inotify_event>.size
        while !stopped.load(ordering: .acquiring) {
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, 200)
            if ready <= 0 { continue }
            let count = read(descriptor, buffer, bufferSize)
            if count <= 0 { continue }
            var offset = 0
            while offset + headerSize <= count {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let nameBytes = Int(event.len)
                var name = ""
                if nameBytes > 0 {
                    let start = buffer.advanced(by: offset + headerSize).assumingMemoryBound(to: CChar.self)
                    name = String(cString: start)
                }
                offset += headerSize + nameBytes
                handle(event: event, name: name, folders: &folders)
            }
        }
    }

    private func handle(event: inotify_event, name: String, folders: inout [Int32: String]) {
        if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
            continuation.yield(.rescan)
            return
        }
        if event.mask & UInt32(IN_IGNORED) != 0 {
            folders[event.wd] = nil
            return
        }
        guard let folder = folders[event.wd], !name.isEmpty, !InboxFilter.isIgnored(name: name) else { return }
        let path = folder + "/" + name
        if isExcluded(path) { return }
        if event.mask & UInt32(IN_ISDIR) != 0 {
            guard recursive, event.mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 else { return }
            if (try? addWatches(under: path, into: &folders)) != nil { continuation.yield(.directory(path)) }
            return
        }
        if event.mask & Self.fileMask != 0 { continuation.yield(.file(path)) }
    }
}
