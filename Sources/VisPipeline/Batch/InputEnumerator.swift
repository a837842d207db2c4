#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Walks an `InputSet` lazily: a stack of open folders, each listed and sorted when entered.
/// Memory is bounded by the tree's depth times its widest folder, not by the number of files.
public struct InputEnumerator: IteratorProtocol {
    private struct Frame {
        /// Absolute folder path.
        var directory: String
        /// Sorted entry names still to visit.
        var names: [String]
        var next = 0
    }

    private let inputs: InputSet
    private var rootIndex = 0
    private var stack: [Frame] = []
    /// Folders that could not be listed (permissions, vanished while walking), with the reason.
    public private(set) var unreadableDirectories: [(path: String, reason: String)] = []

    init(_ inputs: InputSet) { self.inputs = inputs }

    public mutating func next() -> InputItem? {
        while true {
            if stack.isEmpty {
                guard rootIndex < inputs.roots.count else { return nil }
                let root = inputs.roots[rootIndex]
                rootIndex += 1
                switch root {
                case .file(let path):
                    if let item = accept(path, from: rootIndex - 1) { return item }
                case .directory(let directory), .glob(_, let directory):
                    push(directory)
                }
                continue
            }
            let top = stack.count - 1
            guard stack[top].next < stack[top].names.count else { stack.removeLast(); continue }
            let name = stack[top].names[stack[top].next]
            stack[top].next += 1
            let path = stack[top].directory == "/" ? "/" + name : stack[top].directory + "/" + name
            switch Self.kind(of: path) {
            case .directory:
                if !inputs.isExcluded(path), mayDescend(into: path) { push(path) }
            case .file:
                if let item = accept(path, from: rootIndex - 1) { return item }
            case .other:
                continue
            }
        }
    }

    /// The item for `path` when the current root yields it and no earlier root did.
    private func accept(_ path: String, from root: Int) -> InputItem? {
        guard inputs.root(inputs.roots[root], yields: path) else { return nil }
        for earlier in inputs.roots.prefix(root) where inputs.root(earlier, yields: path) { return nil }
        let relative = InputSet.relative(path, to: inputs.commonBase) ?? (path as NSString).lastPathComponent
        return InputItem(absolutePath: path, relativePath: relative)
    }

    private func mayDescend(into path: String) -> Bool {
        guard case .glob(let pattern, let base) = inputs.roots[rootIndex - 1] else { return true }
        guard let relative = InputSet.relative(path, to: base) else { return false }
        return pattern.mayMatchBelow(relativeDirectory: relative)
    }

    private mutating func push(_ directory: String) {
        do {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { !$0.hasPrefix(".") }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            stack.append(Frame(directory: directory, names: names))
        } catch {
            unreadableDirectories.append((directory, error.localizedDescription))
        }
    }

    private enum Kind { case file, directory, other }

    /// Regular files (directly or through a link) are files; only real folders are folders, so
    /// links to folders are never followed.
    private static func kind(of path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .other }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        case S_IFLNK:
            guard stat(path, &info) == 0 else { return .other }
            return info.st_mode & S_IFMT == S_IFREG ? .file : .other
        default: return .other
        }
    }
}
