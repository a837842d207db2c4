import ArgumentParser
import Foundation
import VisTensor

@main
struct VispipeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vispipe",
        abstract: "Run attention-based vision models as a dataflow graph over folders of images.",
        version: VispipeVersion.string,
        subcommands: [RunCommand.self, ValidateCommand.self, StagesCommand.self, ForwardCommand.self,
                      WatchCommand.self, ServeCommand.self, SynthCommand.self, EvalCommand.self]
    )

    /// Parses and runs, with vispipe's exit statuses: 0 on success (and for `--help`/`--version`),
    /// 2 for arguments that do not parse or validate, 1 for failures while running. Errors are one
    /// line on stderr, never a stack trace.
    static func main() async {
        // Feature maps of tens of MB are allocated per layer; reusing freed heap memory instead of
        // fresh mmaps avoids page-fault storms (see AllocatorTuning).
        AllocatorTuning.reuseLargeBuffers()
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            finish(after: error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var command = command
                try command.run()
            }
        } catch let failure as CLIFailure {
            CLIFailure.printToStandardError("vispipe: \(failure.message)")
            exitProcess(1)
        } catch {
            finish(after: error)
        }
    }

    /// Help and version requests print to stdout and succeed; `ExitCode`s pass through; argument
    /// errors exit 2; anything else exits 1.
    private static func finish(after error: Error) -> Never {
        let code = exitCode(for: error)
        if code == .success {
            print(fullMessage(for: error))
            exitProcess(0)
        }
        if error is ExitCode { exitProcess(code.rawValue) }
        let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        let isUsageError = code == .validationFailure
        CLIFailure.printToStandardError("vispipe: \(message)\(isUsageError ? " (see --help)" : "")")
        exitProcess(isUsageError ? 2 : 1)
    }
}
