import ArgumentParser
import Foundation
import GatewatchCore
import LogTail
import Metrics

/// `gatewatch replay [--config FILE] [--log NAME] FILE...`: reads log files once, from the
/// beginning, through the decoder and recorder `serve` uses, and prints the exposition
/// (text 0.0.4), as `mtail --one_shot` does.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Read log files once through the serve decoder and recorder; print the exposition (exit 1 when a file cannot be read).")

    @Option(help: "The YAML config file whose log source (field mapping, provider, region) applies.")
    var config: String?

    @Option(help: "The log source of the config to use (default: the first one).")
    var log: String?

    @Argument(help: "The log files, read in order.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one log file") }
    }

    func run() throws {
        let source = try Self.source(configPath: config, name: log, files: files)
        let registry = MetricsRegistry()
        let recorder = LogReplay.recorder(for: source, registry: registry)
        do {
            _ = try LogReplay.run(files: files, source: source, registry: registry) { recorder.record($0) }
        } catch {
            FileHandle.standardError.write(Data("gatewatch replay: \(error)\n".utf8))
            throw ExitCode(1)
        }
        FileHandle.standardOutput.write(Data(registry.render(.text)))
    }

    /// The log source named (or the config's first), or a default source over the files.
    static func source(configPath: String?, name: String?, files: [String]) throws -> LogSourceConfig {
        guard let configPath else {
            if let name { throw ValidationError("--log \(name) needs --config") }
            return LogSourceConfig(name: "default", paths: files, startAt: .beginning)
        }
        let config: GatewatchConfig
        do {
            config = try ConfigLoader.load(path: configPath)
        } catch {
            throw ValidationError(error.renderedLines.joined(separator: "\n"))
        }
        if let name {
            guard let s = config.logs.first(where: { $0.name == name }) else {
                throw ValidationError("\(configPath) has no log source named \"\(name)\"")
            }
            return s
        }
        return config.logs.first ?? LogSourceConfig(name: "default", paths: files, startAt: .beginning)
    }
}
