/// What the inbox watcher reports to the daemon.
public enum InboxEvent: Sendable, Equatable {
    /// A file was closed after writing or moved in (absolute path).
    case file(String)
    /// A folder appeared (recursive watching): its contents must be scanned, since files may have
    /// landed in it before its watch was added.
    case directory(String)
    /// The kernel's event queue overflowed: events were lost, so the whole inbox must be rescanned.
    case rescan
}
