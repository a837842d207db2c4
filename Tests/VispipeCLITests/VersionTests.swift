import Foundation
import Testing

/// Runs the built `vispipe` binary (it sits beside the test bundle in the build folder).
func runVispipe(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let buildDirectory = Bundle.main.bundleURL.deletingLastPathComponent()
    var binary = buildDirectory.appendingPathComponent("vispipe")
    if !FileManager.default.isExecutableFile(atPath: binary.path) {
        binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/vispipe")
    }
    let process = Process()
    process.executableURL = binary
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
