/// The version printed by `vispipe --version` and recorded in run manifests.
enum VispipeVersion {
    static let string = "0.1.0"
}
