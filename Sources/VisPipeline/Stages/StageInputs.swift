import VisModels

/// Typed access to a stage's input values, with errors naming the port.
///
/// Validation guarantees connected ports carry the declared types; these checks keep a stage
/// safe when it is driven directly (tests, other callers) rather than by the executor.
extension Dictionary where Key == String, Value == PipelineValue {
    func requiredValue(_ port: String) throws(BuiltinStageError) -> PipelineValue {
        guard let value = self[port] else { throw .missingInput(port: port) }
        return value
    }

    func image(_ port: String) throws(BuiltinStageError) -> ImageValue {
        let value = try requiredValue(port)
        guard case .image(let image) = value else { throw .wrongInputType(port: port, expected: .image, found: value.type) }
        return image
    }

    func detections(_ port: String) throws(BuiltinStageError) -> [Detection] {
        let value = try requiredValue(port)
        guard case .detections(let detections) = value else {
            throw .wrongInputType(port: port, expected: .detections, found: value.type)
        }
        return detections
    }

    func mask(_ port: String) throws(BuiltinStageError) -> MaskValue {
        let value = try requiredValue(port)
        guard case .mask(let mask) = value else { throw .wrongInputType(port: port, expected: .mask, found: value.type) }
        return mask
    }

    func text(_ port: String) throws(BuiltinStageError) -> String {
        let value = try requiredValue(port)
        guard case .text(let text) = value else { throw .wrongInputType(port: port, expected: .text, found: value.type) }
        return text
    }

    /// The text on an optional port, `nil` when it is not connected.
    func optionalText(_ port: String) throws(BuiltinStageError) -> String? {
        guard self[port] != nil else { return nil }
        return try text(port)
    }
}
