import Foundation
import Hummingbird
import Logging

/// Logs every request (method, path, status, duration) through swift-log, counts it in the metrics
/// by route, and turns errors the router throws (404, 405) into the JSON error shape.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = APIError(error.status, code: Self.code(for: error.status),
                                message: "\(request.method.rawValue) \(request.uri.path): \(error.status.reasonPhrase)").response
        } catch {
            response = APIError(.internalServerError, code: "internal", message: "\(error)").response
        }
        let duration = ContinuousClock.now - started
        // The matched route keeps the label set small; unknown paths share one label.
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, status: response.status.code, duration: duration)
        logger.info("\(request.method.rawValue) \(request.uri.path) \(response.status.code)", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.2f", Double(duration.components.attoseconds) * 1e-15
                                                         + Double(duration.components.seconds) * 1000)),
        ])
        return response
    }

    private static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 413: return "body_too_large"
        default: return "http_\(status.code)"
        }
    }
}
