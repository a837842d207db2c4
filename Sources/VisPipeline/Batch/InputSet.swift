import Foundation

/// One image to process: where it is and its path relative to the inputs' common base folder
/// (used for mirroring outputs and as its identity in results).
public struct InputItem: Sendable, Equatable {
    public var absolutePath: String
    /// `/`-separated, never starting with `/`.
    public var relativePath: String
}

/// The inputs of a batch run, as given on the command line: files, folders (searched recursively)
/// and glob patterns. Enumerating it streams: folders are listed one at a time (each sorted), so a
/// million-image tree never sits in memory.
///
/// Order is deterministic: inputs in the order given; within a folder or pattern, entries sorted
/// by name (byte order), depth first — i.e. sorted by relative path component by component.
/// Folders and patterns yield only files with an image extension (`.png`, `.jpg`, `.jpeg`, any
/// case); a file named explicitly is taken as given (decoding will judge it). Hidden entries
/// (names starting with `.`) and `excludedDirectories` (the output folder) are skipped, and
/// symbolic links to folders are not followed (no cycles). A file reached by two inputs is
/// yielded once, for the first.
public struct InputSet: Sequence, Sendable {
    public enum Root: Sendable, Equatable {
        case file(String)
        case directory(String)
        case glob(GlobPattern, base: String)
    }

    public let roots: [Root]
    /// Absolute folder all relative paths are relative to: the deepest folder containing every input.
    public let commonBase: String
    public let excludedDirectories: [String]

    /// Image file extensions (lower case) folders and patterns yield.
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Resolves `arguments` against `workingDirectory`. Fails for a path that does not exist or a
    /// pattern whose base folder does not exist.
    public init(arguments: [String], workingDirectory: String = FileManager.default.currentDirectoryPath,
                excluding excludedDirectories: [String] = []) throws(BatchRunError) {
        guard !arguments.isEmpty else { throw .invalidArguments("no inputs given") }
        func absolute(_ path: String) -> String {
            let joined = path.hasPrefix("/") ? path : workingDirectory + "/" + path
            return URL(fileURLWithPath: joined).standardizedFileURL.path
        }
        var roots: [Root] = []
        var bases: [String] = []
        for argument in arguments {
            if GlobPattern.isPattern(argument) {
                let pattern = GlobPattern(argument)
                let base = absolute(pattern.baseDirectory)
                guard Self.isDirectory(base) else {
                    throw .invalidArguments("input pattern '\(argument)': folder '\(pattern.baseDirectory)' does not exist")
                }
                roots.append(.glob(pattern, base: base)); bases.append(base)
            } else {
                let path = absolute(argument)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw .invalidArguments("input '\(argument)' does not exist")
                }
                if isDirectory.boolValue { roots.append(.directory(path)); bases.append(path) }
                else { roots.append(.file(path)); bases.append((path as NSString).deletingLastPathComponent) }
            }
        }
        self.roots = roots
        self.commonBase = Self.commonAncestor(bases)
        self.excludedDirectories = excludedDirectories.map(absolute)
    }

    public func makeIterator() -> InputEnumerator { InputEnumerator(self) }

    /// Whether an image at `absolutePath` is yielded by `root` (used to yield a file reached by two inputs once).
    func root(_ root: Root, yields absolutePath: String) -> Bool {
        switch root {
        case .file(let path): return path == absolutePath
        case .directory(let directory):
            guard let relative = Self.relative(absolutePath, to: directory) else { return false }
            return Self.isImageName(absolutePath) && !relative.split(separator: "/").contains { $0.hasPrefix(".") }
                && !isExcluded(absolutePath)
        case .glob(let pattern, let base):
            guard let relative = Self.relative(absolutePath, to: base) else { return false }
            return Self.isImageName(absolutePath) && !relative.split(separator: "/").contains { $0.hasPrefix(".") }
                && pattern.matches(relativePath: relative) && !isExcluded(absolutePath)
        }
    }

    func isExcluded(_ path: String) -> Bool {
        excludedDirectories.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    static func isImageName(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return false }
        return imageExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// `path` relative to the folder `base`, or `nil` when it is not inside it.
    static func relative(_ path: String, to base: String) -> String? {
        if base == "/" { return path.hasPrefix("/") ? String(path.dropFirst()) : nil }
        guard path.hasPrefix(base + "/") else { return nil }
        return String(path.dropFirst(base.count + 1))
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func commonAncestor(_ paths: [String]) -> String {
        var common = paths[0].split(separator: "/", omittingEmptySubsequences: true)
        for path in paths.dropFirst() {
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            var length = 0
            while length < Swift.min(common.count, parts.count), common[length] == parts[length] { length += 1 }
            common = Array(common.prefix(length))
        }
        return "/" + common.joined(separator: "/")
    }
}
