/// "Did you mean …?" for misspelt names: the known name with the smallest edit distance, when it
/// is close enough to be a plausible typo.
public enum NameSuggestion {
    /// The closest of `candidates` to `name`, or `nil` when none is within a third of the name's
    /// length (at least 2 edits allowed, so short names get suggestions too). Failing that, a
    /// candidate that starts with the name (an abbreviation such as "thresh") is suggested.
    public static func nearest(to name: String, among candidates: [String]) -> String? {
        let limit = max(2, name.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(name.lowercased(), candidate.lowercased())
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        if let best { return best.name }
        guard name.count >= 3 else { return nil }
        return candidates.sorted().first { $0.lowercased().hasPrefix(name.lowercased()) }
    }

    /// `; did you mean "x"?` or "" — appended to messages.
    public static func hint(for name: String, among candidates: [String]) -> String {
        nearest(to: name, among: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
    }

    /// Levenshtein distance (insertions, deletions, substitutions), over characters.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
