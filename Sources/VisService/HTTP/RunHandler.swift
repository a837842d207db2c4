import Foundation
import Hummingbird
import NIOCore
import VisImage
import VisPipeline

/// `POST /v1/run`: the body (raw image bytes, or multipart/form-data with one file part) goes to a
/// temporary file, through admission control, through the pipeline, and back as the results JSON
/// (`?annotate=1`: the first image output as PNG).
struct RunHandler: Sendable {
    let configuration: ServeConfiguration
    let admission: AdmissionControl
    let metrics: ServiceMetrics
    let readiness: SessionReadiness

    func handle(_ request: Request, context: some RequestContext) async -> Response {
        do {
            return try await respond(request, context: context)
        } catch {
            return error.response
        }
    }

    private func respond(_ request: Request, context: some RequestContext) async throws(APIError) -> Response {
        let session: PipelineSession
        switch readiness.current {
        case .ready(let ready): session = ready
        case .loading: throw APIError.notReady()
        case .failed(let message): throw APIError(.serviceUnavailable, code: "load_failed", message: message)
        }
        let upload = try await readUpload(request)
        let annotate = ["1", "true", "yes"].contains(request.uri.queryParameters.get("annotate")?.lowercased() ?? "")
        let imageOutput = session.plan.outputs.first { $0.type == .image }
        if annotate && imageOutput == nil {
            throw APIError(.badRequest, code: "no_image_output", message: "annotate=1 needs a pipeline with an image output; this one has none")
        }

        let answer = await Deadline.run(within: configuration.timeout) { () -> Result<Response, APIError> in
            do throws(AdmissionControl.Refusal) {
                try await admission.enter()
            } catch {
                switch error {
                case .queueFull:
                    metrics.recordRejection(reason: "queue_full")
                    return .failure(APIError(.serviceUnavailable, code: "overloaded",
                                             message: "all \(admission.concurrency) pipeline slots are busy and the queue of \(admission.queueLimit) is full",
                                             headers: [.retryAfter: String(configuration.retryAfterSeconds)]))
                case .cancelled:
                    return .failure(APIError(.gatewayTimeout, code: "timeout", message: "timed out while waiting for a pipeline slot"))
                }
            }
            let result = await run(upload, session: session, imageOutput: annotate ? imageOutput : nil)
            await admission.leave()
            return result
        }
        switch answer {
        case .success(let response)?: return response
        case .failure(let error)?: throw error
        case nil:
            metrics.recordFailure(stage: "-", code: "timeout")
            throw APIError(.gatewayTimeout, code: "timeout", message: "the pipeline did not finish within \(configuration.timeout)")
        }
    }

    /// The uploaded bytes and their name, within the body limit.
    private func readUpload(_ request: Request) async throws(APIError) -> (bytes: [UInt8], name: String) {
        let limit = configuration.maxBodyBytes
        let tooLarge = APIError(.contentTooLarge, code: "body_too_large", message: "the request body is larger than the limit of \(limit) bytes")
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit { throw tooLarge }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        } catch {
            throw APIError(.badRequest, code: "body_unreadable", message: "the request body could not be read: \(error)")
        }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        guard !bytes.isEmpty else { throw APIError(.badRequest, code: "empty_body", message: "the request body is empty; send the image bytes") }
        guard let contentType = request.headers[.contentType], let boundary = MultipartBody.boundary(contentType: contentType) else {
            return (bytes, "upload")
        }
        do throws(MultipartBody.Malformed) {
            let part = try MultipartBody.filePart(of: bytes, boundary: boundary)
            guard !part.bytes.isEmpty else { throw MultipartBody.Malformed(reason: "the file part is empty") }
            return (Array(part.bytes), part.fileName ?? "upload")
        } catch {
            throw APIError(.badRequest, code: "malformed_multipart", message: "multipart/form-data body: \(error.reason)")
        }
    }

    /// Runs the pipeline on the upload (the caller holds a slot) and renders the answer.
    private func run(_ upload: (bytes: [UInt8], name: String), session: PipelineSession,
                     imageOutput: ExecutionPlan.Output?) async -> Result<Response, APIError> {
        let file: TemporaryImageFile
        do {
            file = try TemporaryImageFile(bytes: upload.bytes, directory: configuration.uploadDirectory)
        } catch {
            return .failure(APIError(.internalServerError, code: "temporary_file", message: "cannot store the upload: \(error)"))
        }
        defer { file.remove() }
        let outcome = await session.process(file: file.path, relativePath: upload.name)
        metrics.recordStageTimes(outcome.stageTimes)
        switch outcome.status {
        case .cancelled:
            return .failure(APIError(.gatewayTimeout, code: "timeout", message: "the pipeline run was cancelled"))
        case .failed(let failure):
            let error = Self.apiError(for: failure, plan: session.plan, temporaryPath: file.path, uploadName: upload.name)
            metrics.recordFailure(stage: failure.stage, code: error.code)
            return .failure(error)
        case .succeeded(let outputs, let sourceImage):
            if let imageOutput {
                guard case .image(let image)? = outputs[imageOutput.name] else {
                    return .failure(APIError(.internalServerError, code: "missing_output", message: "output '\(imageOutput.name)' has no image"))
                }
                do {
                    let png = try ImageEncoder.pngData(image.image, name: imageOutput.name)
                    return .success(Response(status: .ok, headers: [.contentType: "image/png"],
                                             body: ResponseBody(byteBuffer: ByteBuffer(bytes: png))))
                } catch {
                    return .failure(APIError(.internalServerError, code: "encode_failed", message: error.description))
                }
            }
            let json = ResultLine.success(relativePath: upload.name, width: sourceImage?.image.width, height: sourceImage?.image.height,
                                          outputs: session.plan.outputs, values: outputs, annotatedPaths: [:])
            return .success(Response(status: .ok, headers: [.contentType: "application/json"],
                                     body: ResponseBody(byteBuffer: ByteBuffer(string: json + "\n"))))
        }
    }

    /// A failed decode is the client's fault (422: corrupt, unsupported or too many pixels); any
    /// other stage failing is the service's (500). Messages name the upload, not the temporary file.
    static func apiError(for failure: StageFailure, plan: ExecutionPlan, temporaryPath: String, uploadName: String) -> APIError {
        let message = failure.message.replacingOccurrences(of: temporaryPath, with: uploadName)
        let stageType = plan.stages.first { $0.name == failure.stage }?.type.descriptor.type
        guard stageType == DecodeStage.descriptor.type else {
            return APIError(.internalServerError, code: "stage_failed", message: "\(failure.stage): \(message)")
        }
        // ImageError.Reason.tooLarge reads "image is WxH = N pixels, more than the limit of L".
        let code = message.contains("pixels, more than the limit of") ? "too_many_pixels" : "undecodable_image"
        return APIError(.unprocessableContent, code: code, message: message)
    }
}
