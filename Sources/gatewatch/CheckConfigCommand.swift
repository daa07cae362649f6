import ArgumentParser
import Foundation
import GatewatchCore

/// `gatewatch check-config FILE`: validates a config file.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a config file: prints FILE: OK, or every problem with its YAML path (exit 0 valid, 1 invalid).")

    @Argument(help: "The YAML config file.")
    var file: String

    func run() throws {
        let (output, code) = ConfigCheck.run(path: file)
        print(output, terminator: output.hasSuffix("\n") ? "" : "\n")
        if code != 0 { throw ExitCode(code) }
    }
}
