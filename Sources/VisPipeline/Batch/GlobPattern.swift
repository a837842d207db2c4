/// A path pattern: `*` matches any run of characters within one path component, `?` one character
/// (never `/`), and a component that is exactly `**` matches zero or more whole components.
/// Everything else matches literally (there are no `[…]` classes or escapes).
///
/// The leading components without wildcards form `baseDirectory`, where enumeration starts;
/// the rest is matched against paths relative to it. `photos/**/*.jpg` has base `photos` and
/// matches `a.jpg`, `2024/a.jpg` and `2024/05/a.jpg` below it.
public struct GlobPattern: Sendable, Equatable, CustomStringConvertible {
    enum Component: Sendable, Equatable {
        /// `**`: any number of components, including none.
        case anyDepth
        case name([Character])
    }

    /// The pattern as written.
    public let text: String
    /// The literal directory prefix (`"."` when the pattern starts with a wildcard component;
    /// `"/"` for `/*.png`).
    public let baseDirectory: String
    let components: [Component]

    /// Whether `text` contains a wildcard and so is a pattern rather than a path.
    public static func isPattern(_ text: String) -> Bool {
        text.contains("*") || text.contains("?")
    }

    public init(_ text: String) {
        self.text = text
        let isAbsolute = text.hasPrefix("/")
        let parts = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var literal: [String] = []
        var index = 0
        // The last component is always matched, even without wildcards (`dir/a.png` as a pattern
        // of one file); only directories go into the base.
        while index < parts.count - 1, !Self.isPattern(parts[index]) {
            literal.append(parts[index]); index += 1
        }
        let joined = literal.joined(separator: "/")
        baseDirectory = isAbsolute ? "/" + joined : (joined.isEmpty ? "." : joined)
        components = parts[index...].map { $0 == "**" ? .anyDepth : .name(Array($0)) }
    }

    public var description: String { text }

    /// Whether `relativePath` (relative to `baseDirectory`, `/`-separated) matches the pattern.
    public func matches(relativePath: String) -> Bool {
        let names = relativePath.split(separator: "/", omittingEmptySubsequences: true).map { Array($0) }
        return matches(patternFrom: 0, namesFrom: 0, names)
    }

    /// Whether some path below the directory `relativeDirectory` (relative to `baseDirectory`)
    /// could match; enumeration skips directories where this is false. Never wrongly false.
    public func mayMatchBelow(relativeDirectory: String) -> Bool {
        let names = relativeDirectory.split(separator: "/", omittingEmptySubsequences: true).map { Array($0) }
        var p = 0
        for name in names {
            guard p < components.count else { return false }
            switch components[p] {
            case .anyDepth: return true
            case .name(let pattern):
                guard Self.matchesComponent(pattern, name) else { return false }
            }
            p += 1
        }
        // Something must be left to match the entries below.
        return p < components.count
    }

    private func matches(patternFrom p: Int, namesFrom n: Int, _ names: [[Character]]) -> Bool {
        if p == components.count { return n == names.count }
        switch components[p] {
        case .anyDepth:
            for start in n...names.count where matches(patternFrom: p + 1, namesFrom: start, names) { return true }
            return false
        case .name(let pattern):
            return n < names.count && Self.matchesComponent(pattern, names[n])
                && matches(patternFrom: p + 1, namesFrom: n + 1, names)
        }
    }

    /// Matches one component against `*`/`?` wildcards: linear-time matching that remembers the
    /// last `*` and retries from one character further when a literal fails.
    static func matchesComponent(_ pattern: [Character], _ name: [Character]) -> Bool {
        var p = 0, n = 0
        var starPattern = -1, starName = 0
        while n < name.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == name[n], pattern[p] != "*" {
                p += 1; n += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starPattern = p; starName = n; p += 1
            } else if starPattern >= 0 {
                p = starPattern + 1; starName += 1; n = starName
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
