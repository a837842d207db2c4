import ArgumentParser
import Foundation
import VisPipeline

/// `vispipe eval`: measures model outputs against ground truth.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate model outputs against ground truth.",
        subcommands: [EvalDetectionsCommand.self]
    )
}

/// `vispipe eval detections --gt instances.json --results results.json [--json]`: COCO bbox
/// evaluation with pycocotools' algorithm.
struct EvalDetectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detections",
        abstract: "COCO bbox evaluation (AP, AP50, AP75, AP by area, AR@1/10/100, AR by area), as pycocotools' COCOeval."
    )

    @Option(name: .customLong("gt"), help: ArgumentHelp("COCO ground truth (instances.json).", valueName: "FILE"))
    var groundTruth: String

    @Option(help: ArgumentHelp("Detections as a COCO results list (image_id, category_id, bbox, score).", valueName: "FILE"))
    var results: String

    @Flag(help: "Print the twelve numbers as JSON instead of the summary table.")
    var json = false

    func run() throws {
        let summary: CocoEvaluationSummary
        do throws(CocoFileError) {
            let groundTruth = try CocoFileReader.groundTruth(path: self.groundTruth)
            let detections = try CocoFileReader.detections(path: results, groundTruth: groundTruth)
            summary = CocoEvaluator.evaluate(groundTruth: groundTruth, detections: detections)
        } catch {
            throw CLIFailure(error.description)
        }
        if json {
            let fields = summary.statistics.map { "  \(JSONOutput.string($0.key)): \(JSONOutput.number($0.value))" }
            print("{\n" + fields.joined(separator: ",\n") + "\n}")
        } else {
            print(summary.table)
        }
    }
}
