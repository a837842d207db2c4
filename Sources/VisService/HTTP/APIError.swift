import Hummingbird
import VisPipeline

/// An error answer: an HTTP status and `{"error": {"code", "message"}}`. `code` is a stable,
/// machine-readable word; `message` says what happened for a person.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra headers (`Retry-After` on 503).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status; self.code = code; self.message = message; self.headers = headers
    }

    /// The JSON body.
    public var json: String {
        var json = JSONText()
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.key("code"); json.string(code)
        json.key("message"); json.string(message)
        json.endObject()
        json.endObject()
        return json.text
    }

    /// The response carrying this error.
    public var response: Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: json + "\n")))
    }

    static func notReady() -> APIError {
        APIError(.serviceUnavailable, code: "not_ready", message: "the models are still loading; retry shortly",
                 headers: [.retryAfter: "1"])
    }
}
