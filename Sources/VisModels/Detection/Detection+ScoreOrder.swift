extension Array where Element == Detection {
    /// The detections highest score first; equal scores keep their order in the array (Swift's
    /// `sorted` is not guaranteed stable, so the position breaks ties).
    public func sortedByScore() -> [Detection] {
        indices.sorted { self[$0].score > self[$1].score || (self[$0].score == self[$1].score && $0 < $1) }.map { self[$0] }
    }
}
