import Foundation

/// Lists the files of an inbox (the start-up backlog, a new folder, a rescan after an overflow):
/// regular files only, ignored names and the daemon's own folders skipped, sub-folders only when recursive.
public enum InboxScan {
    public static func files(under folder: String, recursive: Bool, excluded: [String]) -> [String] {
        var found: [String] = []
        var folders = [folder]
        while let current = folders.popLast() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: current) else { continue }
            for name in names.sorted() where !InboxFilter.isIgnored(name: name) {
                let path = current + "/" + name
                if excluded.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) { continue }
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFREG: found.append(path)
                case S_IFDIR where recursive: folders.append(path)
                default: break
                }
            }
        }
        return found
    }
}
