/// What a graceful stop (SIGTERM/SIGINT) does with the image being processed.
public enum StopBehavior: String, Sendable, CaseIterable {
    /// Let it finish and commit its outputs, then exit.
    case finish
    /// Cancel it; its claim is given back (not counted as an attempt) and it is redone at the next start.
    case abandon
}
