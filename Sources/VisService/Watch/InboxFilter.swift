/// Which inbox entries the daemon leaves alone: hidden files (dot-files, also the temporary files of
/// atomic writers) and the names download and copy tools give to files still being written.
public enum InboxFilter {
    /// Suffixes of partial downloads and copies, compared case-insensitively.
    public static let ignoredSuffixes = [".tmp", ".part", ".crdownload"]

    /// Whether a file or folder named `name` (the last path component) is skipped.
    public static func isIgnored(name: String) -> Bool {
        if name.isEmpty || name.hasPrefix(".") { return true }
        let lowered = name.lowercased()
        return ignoredSuffixes.contains { lowered.hasSuffix($0) }
    }

    /// Whether `relativePath` (inbox-relative, `/`-separated) passes through a skipped file or folder.
    public static func isIgnored(relativePath: String) -> Bool {
        relativePath.split(separator: "/").contains { isIgnored(name: String($0)) }
    }
}
