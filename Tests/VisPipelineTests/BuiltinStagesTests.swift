import Testing
@testable import VisPipeline

@Suite struct BuiltinStagesTests {
    @Test func registryHoldsEveryBuiltinStage() {
        let registry = BuiltinStages.registry
        #expect(registry.descriptors.map(\.type) == ["decode", "detr", "draw_detections", "draw_mask", "filter_detections", "nms", "resize"])
        #expect(registry.type(named: "detr")?.descriptor.parameter(named: "model")?.isRequired == true)
    }

    @Test func descriptorsAreWellFormed() {
        for descriptor in BuiltinStages.registry.descriptors {
            #expect(!descriptor.summary.isEmpty)
            #expect(!descriptor.outputs.isEmpty, "\(descriptor.type)")
            for port in descriptor.inputs + descriptor.outputs { #expect(!port.summary.isEmpty, "\(descriptor.type).\(port.name)") }
            #expect(Set(descriptor.inputs.map(\.name)).count == descriptor.inputs.count)
            #expect(Set(descriptor.parameters.map(\.name)).count == descriptor.parameters.count)
            for parameter in descriptor.parameters {
                #expect(!parameter.summary.isEmpty)
                guard let value = parameter.defaultValue else { continue }
                // Every default fits its own declaration.
                switch (parameter.kind, value) {
                case (.integer(let range), .integer(let v)): #expect(range?.contains(v) ?? true, "\(descriptor.type).\(parameter.name)")
                case (.number(let range), .number(let v)): #expect(range?.contains(v) ?? true, "\(descriptor.type).\(parameter.name)")
                case (.boolean, .boolean), (.string, .string), (.path, .string), (.stringList, .stringList): break
                case (.choice(let options), .string(let v)): #expect(options.contains(v), "\(descriptor.type).\(parameter.name)")
                default: Issue.record("\(descriptor.type).\(parameter.name): default \(value) does not fit \(parameter.kind)")
                }
            }
        }
    }

    @Test func everyTypeInstantiatesWithItsDefaults() throws {
        let context = ModelCache()
        for type in BuiltinStages.all where type.descriptor.parameters.allSatisfy({ !$0.isRequired }) {
            _ = try type.make(StageParameters([:]), context)
        }
    }
}
