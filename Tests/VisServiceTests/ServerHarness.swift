import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import VisImage
import VisPipeline
import VisService

/// A scratch folder with a small-input copy of the tiny DETR fixture and pipeline files using it.
struct ServiceFixture {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vispipe-serve-test-\(UUID().uuidString)")
        let model = folder.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: uploads, withIntermediateDirectories: true)
        let fixture = fixturesDirectory.appendingPathComponent("models/detr/timm_basic")
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: fixture.appendingPathComponent(file), to: model.appendingPathComponent(file))
        }
        // Small network inputs keep each request at a few milliseconds in debug builds.
        try Data(#"{"size": {"shortest_edge": 32, "longest_edge": 48}}"#.utf8)
            .write(to: model.appendingPathComponent("preprocessor_config.json"))
    }

    /// decode -> [gate ->] detector (threshold 0, best 5) -> draw; outputs detections and annotated.
    func pipeline(gate: String? = nil) throws -> String {
        let detectorInput = gate == nil ? "$decode.image" : "$gate.image"
        let gateStage = gate.map { #"{"name": "gate", "type": "gate", "params": {"gate": "\#($0)"}, "inputs": {"image": "$decode.image"}},"# } ?? ""
        let text = """
            {"version": 1,
             "inputs": {"file": "text", "relative_path": "text"},
             "stages": [
               {"name": "decode", "type": "decode", "inputs": {"file": "$inputs.file", "relative_path": "$inputs.relative_path"}},
               \(gateStage)
               {"name": "detector", "type": "detr", "params": {"model": "model", "threshold": 0.0, "top_k": 5},
                "inputs": {"image": "\(detectorInput)"}},
               {"name": "draw", "type": "draw_detections", "inputs": {"image": "$decode.image", "detections": "$detector.detections"}}
             ],
             "outputs": {"detections": "$detector.detections", "annotated": "$draw.image"}}
            """
        let path = folder.appendingPathComponent("pipeline-\(gate ?? "plain").json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// Where the server under test writes its temporary upload copies.
    var uploads: URL { folder.appendingPathComponent("uploads") }

    /// Upload copies still present (there must be none once every request has finished).
    func leftoverUploads() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? []
    }

    /// A PNG of a colour gradient.
    static func png(width: Int, height: Int) throws -> Data {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                image[x, y] = RGBColor(UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)), 90)
            }
        }
        return try ImageEncoder.pngData(image)
    }
}

/// A `PipelineServer` running in-process on 127.0.0.1 with an ephemeral port.
final class RunningServer: Sendable {
    let port: Int
    let server: PipelineServer
    private let task: Task<Void, any Error>

    private init(port: Int, server: PipelineServer, task: Task<Void, any Error>) {
        self.port = port; self.server = server; self.task = task
    }

    static func start(_ configuration: ServeConfiguration,
                      loadSession: @escaping @Sendable () async throws -> PipelineSession) async throws -> RunningServer {
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        var logger = Logger(label: "vispipe.serve.test")
        logger.logLevel = .warning
        let server = PipelineServer(configuration: configuration, logger: logger, loadSession: loadSession)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await server.run(onListening: { port in continuation.yield(port) })
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            _ = await task.result
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "the server stopped before listening"])
        }
        return RunningServer(port: port, server: server, task: task)
    }

    /// Shuts the server down gracefully and waits until it has.
    func stop() async {
        await server.shutdown()
        _ = await task.result
    }

    /// Waits (polling) until `/healthz/ready` answers 200.
    func waitUntilReady(within seconds: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await get("/healthz/ready").status == 200 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "not ready within \(seconds) s"])
    }

    // MARK: HTTP client (URLSession: a real client over TCP)

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
        /// The `{"error": {"code", "message"}}` of an error reply.
        var error: (code: String, message: String)? {
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                  let error = object["error"] as? [String: Any],
                  let code = error["code"] as? String, let message = error["message"] as? String else { return nil }
            return (code, message)
        }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 128
        configuration.timeoutIntervalForRequest = 120
        return URLSession(configuration: configuration)
    }()

    func get(_ path: String) async throws -> Reply {
        try await send(URLRequest(url: url(path)))
    }

    func post(_ path: String, body: Data, contentType: String = "application/octet-stream") async throws -> Reply {
        var request = URLRequest(url: url(path))
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        return try await send(request)
    }

    private func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    private func send(_ request: URLRequest) async throws -> Reply {
        let (data, response) = try await Self.session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key] = value }
        }
        return Reply(status: http.statusCode, headers: headers, body: data)
    }
}
