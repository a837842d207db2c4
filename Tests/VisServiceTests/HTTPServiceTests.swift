import Foundation
import Testing
import VisImage
import VisPipeline
@testable import VisService

/// `vispipe serve` end to end: a real HTTP client (URLSession) against the server running
/// in-process on 127.0.0.1, with the tiny DETR fixture model. Serialized: each test owns the CPU
/// and the temporary folder checks see only their own files.
@Suite(.serialized) struct HTTPServiceTests {
    /// Starts a server on the plain pipeline and waits for the models.
    static func withServer(_ configuration: ServeConfiguration = ServeConfiguration(concurrency: 2),
                           _ body: (RunningServer, ServiceFixture) async throws -> Void) async throws {
        let fixture = try ServiceFixture()
        defer { fixture.remove() }
        var configuration = configuration
        configuration.uploadDirectory = fixture.uploads.path
        let loader = PipelineServer.sessionLoader(path: try fixture.pipeline(), overrides: [], maxPixels: configuration.maxPixels)
        let server = try await RunningServer.start(configuration, loadSession: loader)
        do {
            try await server.waitUntilReady()
            try await body(server, fixture)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(fixture.leftoverUploads().isEmpty, "temporary upload files left behind")
    }

    @Test func goodImageReturnsDetectionsJSON() async throws {
        try await Self.withServer { server, _ in
            let reply = try await server.post("/v1/run", body: try ServiceFixture.png(width: 40, height: 30), contentType: "image/png")
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.header("Content-Type") == "application/json")
            let object = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
            #expect(object["width"] as? Int == 40 && object["height"] as? Int == 30)
            let detections = try #require(object["detections"] as? [[String: Any]])
            #expect(detections.count == 5)
            for detection in detections {
                #expect(detection["score"] is Double && detection["label"] is String && detection["label_id"] is Int)
                let box = try #require(detection["box"] as? [String: Double])
                #expect(Set(box.keys) == ["xmin", "ymin", "xmax", "ymax"])
            }
        }
    }

    @Test func multipartUploadIsTheSameImage() async throws {
        try await Self.withServer { server, _ in
            let png = try ServiceFixture.png(width: 40, height: 30)
            let raw = try await server.post("/v1/run", body: png, contentType: "image/png")
            let boundary = "vispipe-test-boundary"
            var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"street.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            body += png
            body += Data("\r\n--\(boundary)--\r\n".utf8)
            let reply = try await server.post("/v1/run", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(reply.status == 200, "\(reply.text)")
            let object = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
            #expect(object["path"] as? String == "street.png")
            let rawObject = try #require(try JSONSerialization.jsonObject(with: raw.body) as? [String: Any])
            #expect((object["detections"] as? NSArray) == (rawObject["detections"] as? NSArray))
        }
    }

    @Test func annotateReturnsADecodablePNG() async throws {
        try await Self.withServer { server, _ in
            let reply = try await server.post("/v1/run?annotate=1", body: try ServiceFixture.png(width: 40, height: 30))
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "image/png")
            let image = try ImageDecoder.decode(data: reply.body, name: "annotated")
            #expect(image.width == 40 && image.height == 30)
        }
    }

    @Test func corruptImageIs422WithTheDecodeError() async throws {
        try await Self.withServer { server, _ in
            var png = try ServiceFixture.png(width: 40, height: 30)
            png.replaceSubrange(40..<png.count, with: Data(repeating: 0x5A, count: png.count - 40))
            let reply = try await server.post("/v1/run", body: png)
            #expect(reply.status == 422)
            let error = try #require(reply.error, "\(reply.text)")
            #expect(error.code == "undecodable_image")
            #expect(error.message.contains("upload") && !error.message.contains("vispipe-serve-"))

            let text = try await server.post("/v1/run", body: Data("not an image at all".utf8))
            #expect(text.status == 422 && text.error?.code == "undecodable_image")
            let empty = try await server.post("/v1/run", body: Data())
            #expect(empty.status == 400 && empty.error?.code == "empty_body")
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await Self.withServer(ServeConfiguration(maxBodyBytes: 64 * 1024, concurrency: 1)) { server, _ in
            let reply = try await server.post("/v1/run", body: Data(repeating: 7, count: 200 * 1024))
            #expect(reply.status == 413)
            #expect(reply.error?.code == "body_too_large")
            // The service still answers afterwards.
            #expect(try await server.post("/v1/run", body: try ServiceFixture.png(width: 20, height: 20)).status == 200)
        }
    }

    @Test func tooManyPixelsIs422WithTheReason() async throws {
        try await Self.withServer(ServeConfiguration(maxPixels: 1000, concurrency: 1)) { server, _ in
            let reply = try await server.post("/v1/run", body: try ServiceFixture.png(width: 40, height: 30))
            #expect(reply.status == 422)
            let error = try #require(reply.error)
            #expect(error.code == "too_many_pixels")
            #expect(error.message.contains("40x30 = 1200 pixels, more than the limit of 1000"), "\(error.message)")
            #expect(try await server.post("/v1/run", body: try ServiceFixture.png(width: 30, height: 30)).status == 200)
        }
    }

    @Test func unknownRouteIsAJSON404() async throws {
        try await Self.withServer { server, _ in
            let reply = try await server.get("/v2/nothing")
            #expect(reply.status == 404 && reply.error?.code == "not_found")
            #expect(try await server.get("/healthz/live").status == 200)
        }
    }

    @Test func pipelineEndpointDescribesTheGraph() async throws {
        try await Self.withServer { server, _ in
            let reply = try await server.get("/v1/pipeline")
            #expect(reply.status == 200)
            let object = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
            let stages = try #require(object["stages"] as? [[String: Any]])
            #expect(stages.map { $0["name"] as? String } == ["decode", "detector", "draw"])
            #expect(stages.map { $0["type"] as? String } == ["decode", "detr", "draw_detections"])
            let detectorParams = try #require(stages[1]["params"] as? [String: Any])
            #expect(detectorParams["top_k"] as? Int == 5)
            #expect((stages[1]["inputs"] as? [String: String])?["image"] == "$decode.image")
            let outputs = try #require(object["outputs"] as? [[String: Any]])
            #expect(outputs.map { $0["name"] as? String } == ["detections", "annotated"])
            let types = try #require(object["stage_types"] as? [String: [String: Any]])
            #expect(types["detr"]?["summary"] as? String == DetrStage.descriptor.summary)
            #expect((object["hash"] as? String)?.count == 64)
        }
    }

    @Test func metricsParseAsPrometheusText() async throws {
        try await Self.withServer { server, _ in
            let png = try ServiceFixture.png(width: 40, height: 30)
            for _ in 0..<3 { #expect(try await server.post("/v1/run", body: png).status == 200) }
            #expect(try await server.post("/v1/run", body: Data("junk".utf8)).status == 422)
            let reply = try await server.get("/metrics")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let metrics = try PrometheusTextParser(reply.text)
            for sample in metrics.samples {
                #expect(metrics.family(of: sample) != nil, "sample \(sample.name) has no TYPE")
            }
            #expect(metrics.value("vispipe_http_requests_total", ["route": "/v1/run", "status": "200"]) == 3)
            #expect(metrics.value("vispipe_http_requests_total", ["route": "/v1/run", "status": "422"]) == 1)
            #expect(metrics.value("vispipe_http_request_duration_seconds_count", ["route": "/v1/run"]) == 4)
            #expect(metrics.value("vispipe_http_request_duration_seconds_bucket", ["route": "/v1/run", "le": "+Inf"]) == 4)
            for stage in ["decode", "detector", "draw"] {
                #expect(metrics.value("vispipe_stage_duration_seconds_count", ["stage": stage]) == (stage == "decode" ? 4 : 3))
            }
            #expect(metrics.value("vispipe_pipeline_failures_total", ["stage": "decode", "code": "undecodable_image"]) == 1)
            #expect(metrics.value("vispipe_queue_depth") == 0)
            #expect(metrics.value("vispipe_ready") == 1)
            #expect(metrics.types["vispipe_stage_duration_seconds"] == "histogram")
            // Buckets are cumulative.
            let buckets = metrics.samples.filter { $0.name == "vispipe_stage_duration_seconds_bucket" && $0.labels["stage"] == "detector" }
            #expect(buckets.count == 14)
            #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value })
        }
    }

    @Test func readinessFlipsOnlyAfterTheModelsLoad() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.remove() }
        let gate = Gates.make("load-\(UUID().uuidString)")
        let load = PipelineServer.sessionLoader(path: try fixture.pipeline(), overrides: [], maxPixels: 1_000_000)
        let server = try await RunningServer.start(ServeConfiguration(concurrency: 1)) {
            await gate.pass()
            return try await load()
        }
        #expect(try await server.get("/healthz/live").status == 200)
        let before = try await server.get("/healthz/ready")
        #expect(before.status == 503 && before.error?.code == "not_ready")
        let early = try await server.post("/v1/run", body: try ServiceFixture.png(width: 20, height: 20))
        #expect(early.status == 503 && early.error?.code == "not_ready" && early.header("Retry-After") != nil)
        #expect(try await server.get("/v1/pipeline").status == 503)
        #expect(try PrometheusTextParser(try await server.get("/metrics").text).value("vispipe_ready") == 0)
        #expect(server.server.isReady == false)

        await gate.open()
        try await server.waitUntilReady()
        #expect(try await server.post("/v1/run", body: try ServiceFixture.png(width: 20, height: 20)).status == 200)
        await server.stop()
    }

    @Test func aFailedLoadIsReportedNotReady() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.remove() }
        let path = try fixture.pipeline()
        try FileManager.default.removeItem(at: fixture.folder.appendingPathComponent("model/model.safetensors"))
        let server = try await RunningServer.start(ServeConfiguration(concurrency: 1),
                                                   loadSession: PipelineServer.sessionLoader(path: path, overrides: [], maxPixels: 1000))
        var reply = try await server.get("/healthz/ready")
        for _ in 0..<500 where reply.error?.code == "not_ready" {
            try await Task.sleep(for: .milliseconds(20))
            reply = try await server.get("/healthz/ready")
        }
        #expect(reply.status == 503 && reply.error?.code == "load_failed")
        #expect(reply.error?.message.contains("detector") == true)
        await server.stop()
    }

    @Test func burstBeyondTheQueueGets503sAndTheRestSucceed() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.remove() }
        let gateName = "burst-\(UUID().uuidString)"
        let gate = Gates.make(gateName)
        let configuration = ServeConfiguration(concurrency: 1, queueLimit: 2, timeout: .seconds(120), uploadDirectory: fixture.uploads.path)
        let server = try await RunningServer.start(
            configuration,
            loadSession: PipelineServer.sessionLoader(path: try fixture.pipeline(gate: gateName), overrides: [], maxPixels: 1_000_000,
                                                      registry: GateStage.registry))
        try await server.waitUntilReady()
        let png = try ServiceFixture.png(width: 40, height: 30)
        let requests = 40
        let finished = Counter()
        let replies = try await withThrowingTaskGroup(of: RunningServer.Reply.self) { group in
            for _ in 0..<requests {
                group.addTask {
                    let reply = try await server.post("/v1/run", body: png)
                    finished.increment()
                    return reply
                }
            }
            // One run waits at the gate and two wait in the queue: every other request must be
            // refused without waiting for them.
            let deadline = Date().addingTimeInterval(60)
            while finished.value < requests - 3, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(finished.value == requests - 3)
            let metrics = try PrometheusTextParser(try await server.get("/metrics").text)
            #expect(metrics.value("vispipe_queue_depth") == 2)
            #expect(metrics.value("vispipe_runs_in_flight") == 1)
            #expect(await gate.arrivals == 1)
            await gate.open()
            var replies: [RunningServer.Reply] = []
            for try await reply in group { replies.append(reply) }
            return replies
        }
        #expect(replies.count == requests)
        let ok = replies.filter { $0.status == 200 }, refused = replies.filter { $0.status == 503 }
        #expect(ok.count == 3 && refused.count == requests - 3)
        for reply in refused {
            #expect(reply.header("Retry-After") == "1")
            #expect(reply.error?.code == "overloaded")
        }
        #expect(await gate.arrivals == 3)
        let metrics = try PrometheusTextParser(try await server.get("/metrics").text)
        #expect(metrics.value("vispipe_admission_rejections_total", ["reason": "queue_full"]) == Double(requests - 3))
        #expect(metrics.value("vispipe_queue_depth") == 0 && metrics.value("vispipe_runs_in_flight") == 0)
        await server.stop()
        #expect(fixture.leftoverUploads().isEmpty)
    }

    @Test func slowRunTimesOutWith504AndFreesItsSlot() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.remove() }
        let gateName = "timeout-\(UUID().uuidString)"
        let gate = Gates.make(gateName)
        let server = try await RunningServer.start(
            ServeConfiguration(concurrency: 1, queueLimit: 4, timeout: .milliseconds(300), uploadDirectory: fixture.uploads.path),
            loadSession: PipelineServer.sessionLoader(path: try fixture.pipeline(gate: gateName), overrides: [], maxPixels: 1_000_000,
                                                      registry: GateStage.registry))
        try await server.waitUntilReady()
        let png = try ServiceFixture.png(width: 20, height: 20)
        let started = Date()
        let reply = try await server.post("/v1/run", body: png)
        #expect(reply.status == 504 && reply.error?.code == "timeout")
        #expect(Date().timeIntervalSince(started) < 10)
        // The timed-out run still holds the only slot until its stage returns: a second request
        // waits in the queue and times out too.
        let queued = try await server.post("/v1/run", body: png)
        #expect(queued.status == 504)
        await gate.open()
        // Once the gate opens the slot is released and requests go through.
        var after = try await server.post("/v1/run", body: png)
        for _ in 0..<50 where after.status != 200 { after = try await server.post("/v1/run", body: png) }
        #expect(after.status == 200)
        let metrics = try PrometheusTextParser(try await server.get("/metrics").text)
        #expect((metrics.value("vispipe_pipeline_failures_total", ["stage": "-", "code": "timeout"]) ?? 0) >= 2)
        await server.stop()
        #expect(fixture.leftoverUploads().isEmpty)
    }
}

/// A thread-safe counter for the burst test.
final class Counter: @unchecked Sendable {
    // @unchecked: `count` changes only under `lock`.
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
