import Foundation
import Testing
import VisTensor

@Suite struct ActivationsTests {
    @Test func activationsMatchPyTorch() throws {
        let fixture = try OpsFixture()
        let x = try fixture.tensor("activation.x")
        let results: [(String, Tensor)] = [
            ("relu", relu(x)), ("gelu", gelu(x)), ("gelu_tanh", gelu(x, approximation: .tanh)),
            ("silu", silu(x)), ("sigmoid", sigmoid(x)),
            // Foundation is imported here: `tanh` must still pick the tensor overload.
            ("tanh", tanh(x)),
        ]
        for (name, out) in results {
            let error = maxRelativeError(out, try fixture.tensor("activation.\(name)"))
            #expect(error <= OpsFixture.tolerance, "\(name): max relative error \(error)")
        }
        #expect(tanh(0.5 as Double) == Foundation.tanh(0.5))  // the C function is still reachable
    }

    @Test func inPlaceVariantsMatchValueVariants() throws {
        let x = try OpsFixture().tensor("activation.x")
        let pairs: [(String, (inout Tensor) -> Void, Tensor)] = [
            ("relu", { reluInPlace(&$0) }, relu(x)),
            ("gelu", { geluInPlace(&$0) }, gelu(x)),
            ("gelu_tanh", { geluInPlace(&$0, approximation: .tanh) }, gelu(x, approximation: .tanh)),
            ("silu", { siluInPlace(&$0) }, silu(x)),
            ("sigmoid", { sigmoidInPlace(&$0) }, sigmoid(x)),
            ("tanh", { tanhInPlace(&$0) }, tanh(x)),
        ]
        for (name, update, expected) in pairs {
            var y = x
            update(&y)
            #expect(y == expected, "\(name)")
        }
    }

    @Test func softmaxMatchesPyTorch() throws {
        let fixture = try OpsFixture()
        let cases = try fixture.cases("softmax")
        #expect(cases.count >= 9)
        for c in cases {
            let out = try softmax(fixture.tensor("\(c.prefix).x"), axis: c.int("axis"))
            #expect(!out.storage.contains { $0.isNaN }, "\(c.prefix): NaN in output")
            let error = maxRelativeError(out, try fixture.tensor("\(c.prefix).out"))
            #expect(error <= OpsFixture.tolerance, "\(c.prefix): max relative error \(error)")
        }
    }

    @Test func softmaxRejectsOutOfRangeAxis() {
        #expect(throws: TensorError.invalidArgument(op: "softmax", detail: "axis 3 is out of range for input [2, 3, 4]")) {
            try softmax(Tensor(zeros: [2, 3, 4]), axis: 3)
        }
        #expect(throws: TensorError.invalidArgument(op: "softmax", detail: "axis -4 is out of range for input [2, 3, 4]")) {
            try softmax(Tensor(zeros: [2, 3, 4]), axis: -4)
        }
    }
}
