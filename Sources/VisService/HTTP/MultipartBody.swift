import Foundation

/// Pulls the uploaded file out of a `multipart/form-data` body (RFC 7578): the first part with a
/// `filename`, else the first part. Only what `POST /v1/run` needs — no nested multiparts.
enum MultipartBody {
    /// Why a multipart body could not be read.
    struct Malformed: Error, Sendable { var reason: String }

    /// The boundary parameter of a `multipart/form-data` content type, `nil` for other types.
    static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let mediaType = parts.first, mediaType.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// The file part's bytes and its file name (when given).
    static func filePart(of body: [UInt8], boundary: String) throws(Malformed) -> (bytes: ArraySlice<UInt8>, fileName: String?) {
        let delimiter = Array("--\(boundary)".utf8)
        let headerEnd = Array("\r\n\r\n".utf8)
        guard var cursor = firstIndex(of: delimiter, in: body, from: 0) else {
            throw Malformed(reason: "no part starts with the boundary '\(boundary)'")
        }
        var firstPart: (ArraySlice<UInt8>, String?)?
        while true {
            cursor += delimiter.count
            // "--" after a delimiter closes the body.
            if body.count >= cursor + 2, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") { break }
            guard let headersEnd = firstIndex(of: headerEnd, in: body, from: cursor) else {
                throw Malformed(reason: "a part has no end of headers")
            }
            let headers = String(decoding: body[cursor..<headersEnd], as: UTF8.self)
            let contentStart = headersEnd + headerEnd.count
            guard let next = firstIndex(of: Array("\r\n".utf8) + delimiter, in: body, from: contentStart) else {
                throw Malformed(reason: "a part is not closed by the boundary")
            }
            let content = body[contentStart..<next]
            let fileName = Self.fileName(in: headers)
            if fileName != nil { return (content, fileName) }
            if firstPart == nil { firstPart = (content, nil) }
            cursor = next + 2
        }
        guard let firstPart else { throw Malformed(reason: "the body has no parts") }
        return firstPart
    }

    /// `filename="…"` of a part's `Content-Disposition` header.
    private static func fileName(in headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            guard let range = line.range(of: "filename=\"") else { continue }
            let rest = line[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        return nil
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
