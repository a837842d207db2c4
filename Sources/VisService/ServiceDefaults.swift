/// Defaults shared by the watch-folder daemon and the HTTP service.
public enum ServiceDefaults {
    /// The HTTP service binds here unless `--host` says otherwise: never exposed by accident.
    public static let host = "127.0.0.1"
}
