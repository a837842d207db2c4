import ArgumentParser
import Foundation
import VisService

/// The watch-folder options, shared by `vispipe watch` and `vispipe serve --watch`.
struct WatchArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder to watch.", valueName: "dir"))
    var inbox: String?

    @Option(name: .long, help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Move processed originals here (mirroring the inbox tree).", valueName: "dir"))
    var done: String?

    @Option(name: .long, help: ArgumentHelp("Folder for files that keep failing (default: OUT/failed).", valueName: "dir"))
    var failed: String?

    @Flag(name: .long, help: "Watch sub-folders too (also ones created later).")
    var recursive = false

    @Option(name: .long, help: ArgumentHelp("Seconds a file must stay unchanged before it is taken.", valueName: "seconds"))
    var settle = 1.0

    @Option(name: .long, help: ArgumentHelp("Attempts before a file goes to the failed folder.", valueName: "n"))
    var maxAttempts = 3

    @Option(name: .long, help: ArgumentHelp("Seconds a claim on a file stays valid.", valueName: "seconds"))
    var lease = 600.0

    @Option(name: .long, help: ArgumentHelp("On SIGTERM/SIGINT: finish or abandon the image in flight.", valueName: "finish|abandon"))
    var onStop: StopBehavior = .finish

    @Option(name: .long, help: ArgumentHelp("Bound on a graceful stop, in seconds.", valueName: "seconds"))
    var stopTimeout = 10.0

    @Option(name: .long, help: ArgumentHelp("Ledger database (default: OUT/.vispipe-ledger.sqlite).", valueName: "path"))
    var ledger: String?

    func validate() throws {
        if settle < 0 { throw ValidationError("--settle must not be negative, found \(settle)") }
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1, found \(maxAttempts)") }
        if lease <= 0 { throw ValidationError("--lease must be positive, found \(lease)") }
        if stopTimeout <= 0 { throw ValidationError("--stop-timeout must be positive, found \(stopTimeout)") }
    }

    /// `--inbox` and `--out` must both be given (checked where watching is asked for).
    func requireFolders() throws {
        if inbox == nil { throw ValidationError("Missing expected argument '--inbox <dir>'") }
        if out == nil { throw ValidationError("Missing expected argument '--out <dir>'") }
    }

    /// The daemon's options with every path made absolute; fails when the inbox is not a folder.
    func options() throws -> WatchOptions {
        guard let inbox, let out else { throw CLIFailure("watching needs --inbox and --out") }
        let workingDirectory = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path.hasPrefix("/") ? path : workingDirectory + "/" + path).standardizedFileURL.path
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute(inbox), isDirectory: &isFolder), isFolder.boolValue else {
            throw CLIFailure("inbox '\(inbox)' is not a folder")
        }
        return WatchOptions(inbox: absolute(inbox), output: absolute(out), done: done.map(absolute),
                            failed: failed.map(absolute), recursive: recursive, settleSeconds: settle,
                            maxAttempts: maxAttempts, leaseSeconds: lease, onStop: onStop,
                            stopTimeoutSeconds: stopTimeout, ledgerPath: ledger.map(absolute))
    }
}

extension StopBehavior: ExpressibleByArgument {}
