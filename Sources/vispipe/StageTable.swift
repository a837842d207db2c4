import Foundation
import VisPipeline

/// The human-readable listing of `vispipe stages`: a heading line per stage type, then one
/// aligned row per input, output and parameter.
enum StageTable {
    static func text(for registry: StageRegistry) -> String {
        let descriptors = registry.descriptors
        if descriptors.isEmpty { return "no stage types registered\n" }
        let header = ["", "NAME", "TYPE", "DEFAULT", "RANGE", "DESCRIPTION"]
        var blocks: [(heading: String, rows: [[String]])] = []
        for descriptor in descriptors {
            var rows: [[String]] = []
            for port in descriptor.inputs {
                rows.append(["input", port.name, port.type.rawValue, port.required ? "(required)" : "(optional)", "", port.summary])
            }
            for port in descriptor.outputs {
                rows.append(["output", port.name, port.type.rawValue, "", "", port.summary])
            }
            for parameter in descriptor.parameters {
                rows.append(["param", parameter.name, StageCatalog.kindName(parameter.kind),
                             parameter.defaultValue?.description ?? "(required)", StageCatalog.rangeText(parameter.kind), parameter.summary])
            }
            blocks.append(("\(descriptor.type): \(descriptor.summary)", rows))
        }
        // One set of column widths for the whole listing, so every block lines up.
        let allRows = [header] + blocks.flatMap(\.rows)
        let widths = (0..<header.count - 1).map { column in allRows.map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            var text = "  "
            for (column, cell) in row.enumerated() {
                text += column < widths.count ? cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0) : cell
            }
            return String(text.reversed().drop { $0 == " " }.reversed())
        }
        var output = ""
        for (index, block) in blocks.enumerated() {
            if index > 0 { output += "\n" }
            output += block.heading + "\n" + line(header) + "\n"
            for row in block.rows { output += line(row) + "\n" }
        }
        return output
    }
}
