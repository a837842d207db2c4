// `vispipe serve` as a process: argument and pipeline errors exit 2; a real server on an ephemeral
// port answers, and SIGTERM stops it with status 0.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VisImage

@Suite struct ServeCommandTests {
    @Test func invalidPipelineOrArgumentsExit2() throws {
        let missing = try runVispipe(["serve", "/nonexistent/pipeline.json"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("invalid pipeline"))
        let pipeline = fixturesDirectory.appendingPathComponent("models/detr/timm_basic/config.json").path
        #expect(try runVispipe(["serve", pipeline, "--concurrency", "0"]).status == 2)
        #expect(try runVispipe(["serve", pipeline, "--port", "70000"]).status == 2)
    }

    @Test func servesAndStopsOnSIGTERM() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vispipe-serve-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let pipeline = try writePipeline(in: root)

        let (process, log, port) = try await startServer(["serve", pipeline.path, "--port", "0", "--concurrency", "1"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(60)
        let bound = port
        let session = URLSession(configuration: .ephemeral)
        func status(_ path: String, body: Data? = nil) async throws -> Int {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(bound)\(path)")!)
            if let body { request.httpMethod = "POST"; request.httpBody = body }
            let (_, response) = try await session.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode ?? -1
        }
        #expect(try await status("/healthz/live") == 200)
        var ready = try await status("/healthz/ready")
        while ready != 200, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
            ready = try await status("/healthz/ready")
        }
        #expect(ready == 200)
        let png = try ImageEncoder.pngData(RGBImage(width: 24, height: 20, fill: RGBColor(30, 160, 90)))
        #expect(try await status("/v1/run", body: png) == 200)

        try await stopWithSIGTERM(process)
        #expect(log.text.contains("POST /v1/run 200"), "access log: \(log.text)")
    }

    /// Sends SIGTERM and expects a clean exit (status 0) within 20 s.
    private func stopWithSIGTERM(_ process: Process) async throws {
        kill(process.processIdentifier, SIGTERM)
        let stopDeadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < stopDeadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning, "still running 20 s after SIGTERM")
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    /// A decode -> DETR (tiny fixture) pipeline in `root`.
    private func writePipeline(in root: URL) throws -> URL {
        let model = fixturesDirectory.appendingPathComponent("models/detr/timm_basic").path
        let pipeline = root.appendingPathComponent("pipeline.json")
        try Data("""
            {"version": 1, "inputs": {"file": "text", "relative_path": "text"},
             "stages": [
               {"name": "decode", "type": "decode", "inputs": {"file": "$inputs.file", "relative_path": "$inputs.relative_path"}},
               {"name": "detector", "type": "detr", "params": {"model": "\(model)", "threshold": 0.0, "top_k": 2},
                "inputs": {"image": "$decode.image"}}
             ],
             "outputs": {"detections": "$detector.detections"}}
            """.utf8).write(to: pipeline)
        return pipeline
    }

    /// Starts `vispipe ARGUMENTS` and returns once its "listening on HOST:PORT" log line names the port.
    private func startServer(_ arguments: [String]) async throws -> (Process, LogBuffer, Int) {
        let process = Process()
        process.executableURL = vispipeBinary()
        process.arguments = arguments
        let stderr = Pipe()
        let log = LogBuffer()
        stderr.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        process.standardError = stderr
        try process.run()
        var port: Int?
        let deadline = Date().addingTimeInterval(60)
        while port == nil, process.isRunning, Date() < deadline {
            if let range = log.text.range(of: #"listening on 127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                port = Int(log.text[range].split(separator: ":").last ?? "")
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        guard let port else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw CLITestFailure("no listening line in: \(log.text)")
        }
        return (process, log, port)
    }

    @Test func serveWithWatchSharesOneProcess() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vispipe-serve-watch-\(UUID().uuidString.prefix(8))")
        let inbox = root.appendingPathComponent("inbox"), out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let pipeline = try writePipeline(in: root)
        let (process, log, port) = try await startServer(["serve", pipeline.path, "--port", "0", "--concurrency", "1",
                                                          "--watch", "--inbox", inbox.path, "--out", out.path, "--settle", "0.1"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // A file dropped into the inbox (written, then renamed in) gets its result ...
        let png = try ImageEncoder.pngData(RGBImage(width: 24, height: 20, fill: RGBColor(200, 60, 90)))
        try png.write(to: inbox.appendingPathComponent("drop.png.part"))
        try FileManager.default.moveItem(at: inbox.appendingPathComponent("drop.png.part"), to: inbox.appendingPathComponent("drop.png"))
        let result = out.appendingPathComponent("drop.png.json").path
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: result), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(FileManager.default.fileExists(atPath: result), "no watch result; log: \(log.text)")
        // ... while the same process answers HTTP requests.
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/run")!)
        request.httpMethod = "POST"
        request.httpBody = png
        let (_, response) = try await URLSession(configuration: .ephemeral).data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)

        try await stopWithSIGTERM(process)
    }

    @Test func watchOptionsNeedTheirFolders() throws {
        let pipeline = fixturesDirectory.appendingPathComponent("models/detr/timm_basic/config.json").path
        let result = try runVispipe(["serve", pipeline, "--watch", "--out", "/tmp/x"])
        #expect(result.status == 2 && result.stderr.contains("--inbox"))
    }

}

private struct CLITestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Collects a child process's stderr as it arrives.
private final class LogBuffer: @unchecked Sendable {
    // @unchecked: `data` changes only under `lock`.
    private let lock = NSLock()
    private var data = Data()
    func append(_ chunk: Data) { lock.lock(); data.append(chunk); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}
