import Foundation
import Testing

/// The built `vispipe` binary: beside the test bundle in the build folder, else `.build/debug`.
func vispipeBinary() -> URL {
    let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("vispipe")
    if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/vispipe")
}

/// Runs the built `vispipe` binary with `arguments` and collects its output.
func runVispipe(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = vispipeBinary()
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, stdout, stderr)
}

@Test func versionPrintsSemanticVersion() throws {
    let result = try runVispipe(["--version"])
    #expect(result.status == 0)
    #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
}

@Test func helpListsTheTool() throws {
    let result = try runVispipe(["--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("USAGE: vispipe"))
}
