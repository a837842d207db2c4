import Foundation

/// An uploaded image written to a private temporary file, because the pipeline's graph input is a
/// file path. The owner calls `remove()` when the run is over (also after a timeout or failure).
struct TemporaryImageFile: Sendable {
    let path: String

    /// Writes `bytes` to a new file in `directory` (mode 0600).
    init<Bytes: Collection<UInt8>>(bytes: Bytes, directory: String) throws {
        let name = "vispipe-serve-\(UUID().uuidString).img"
        path = (directory as NSString).appendingPathComponent(name)
        let data = Data(bytes)
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
