import VisPipeline

/// The JSON of `GET /v1/pipeline`: the loaded graph (stages with types, resolved parameters and
/// input wiring; graph inputs and outputs) and each stage type's description from the registry.
enum PipelineDescription {
    static func json(of plan: ExecutionPlan) -> String {
        var json = JSONText()
        json.beginObject()
        json.key("name"); json.string(plan.name)
        json.key("hash"); json.string(plan.hash)
        json.key("inputs"); json.beginObject()
        for (name, type) in plan.inputs.sorted(by: { $0.key < $1.key }) { json.key(name); json.string(type.rawValue) }
        json.endObject()
        json.key("stages"); json.beginArray()
        for stage in plan.stages {
            json.beginObject()
            json.key("name"); json.string(stage.name)
            json.key("type"); json.string(stage.type.descriptor.type)
            json.key("params"); json.beginObject()
            for (name, value) in stage.parameters.values.sorted(by: { $0.key < $1.key }) {
                json.key(name); write(value, into: &json)
            }
            json.endObject()
            json.key("inputs"); json.beginObject()
            for (port, selector) in stage.inputs.sorted(by: { $0.key < $1.key }) { json.key(port); json.string(selector.description) }
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.key("outputs"); json.beginArray()
        for output in plan.outputs {
            json.beginObject()
            json.key("name"); json.string(output.name)
            json.key("type"); json.string(output.type.rawValue)
            json.key("value"); json.string(output.selector.description)
            json.endObject()
        }
        json.endArray()
        // Each stage type once, in the order first used.
        json.key("stage_types"); json.beginObject()
        var described = Set<String>()
        for stage in plan.stages where described.insert(stage.type.descriptor.type).inserted {
            json.key(stage.type.descriptor.type); write(stage.type.descriptor, into: &json)
        }
        json.endObject()
        json.endObject()
        return json.text
    }

    private static func write(_ descriptor: StageDescriptor, into json: inout JSONText) {
        json.beginObject()
        json.key("summary"); json.string(descriptor.summary)
        for (key, ports) in [("inputs", descriptor.inputs), ("outputs", descriptor.outputs)] {
            json.key(key); json.beginArray()
            for port in ports {
                json.beginObject()
                json.key("name"); json.string(port.name)
                json.key("type"); json.string(port.type.rawValue)
                if key == "inputs" { json.key("required"); json.bool(port.required) }
                json.key("summary"); json.string(port.summary)
                json.endObject()
            }
            json.endArray()
        }
        json.key("parameters"); json.beginArray()
        for parameter in descriptor.parameters {
            json.beginObject()
            json.key("name"); json.string(parameter.name)
            json.key("default")
            if let value = parameter.defaultValue { write(value, into: &json) } else { json.null() }
            json.key("summary"); json.string(parameter.summary)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    private static func write(_ value: ParameterValue, into json: inout JSONText) {
        switch value {
        case .integer(let value): json.integer(value)
        case .number(let value): json.number(value)
        case .boolean(let value): json.bool(value)
        case .string(let value): json.string(value)
        case .stringList(let values): json.beginArray(); for value in values { json.string(value) }; json.endArray()
        }
    }
}
