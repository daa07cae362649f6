import ArgumentParser
import Dispatch
import Foundation
import Gatewatch
import Logging

/// `gatewatch serve`: the exporter. Exit 0 after SIGTERM/SIGINT, 1 on a fatal start-up error.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the exporter: probes, log tailing and the HTTP endpoint.")

    @Option(help: "The YAML config file (default: the built-in config).")
    var config: String?

    @Option(name: .customLong("web.listen-address"), help: "Address to listen on (repeatable; default :9788).")
    var listenAddresses: [String] = []

    @Option(name: .customLong("web.telemetry-path"), help: "Path under which to expose metrics (default /metrics).")
    var telemetryPath: String?

    @Option(name: .customLong("web.config.file"), help: "Exporter-toolkit web config: TLS and basic auth.")
    var webConfigFile: String?

    @Option(name: .customLong("log.level"), help: "debug, info, warn or error.")
    var logLevel = "info"

    @Option(name: .customLong("log.format"), help: "logfmt or json.")
    var logFormat = "logfmt"

    @Option(name: .customLong("log.path"), help: "Tail these JSON request logs (glob, repeatable) as log source \"default\".")
    var logPaths: [String] = []

    func validate() throws {
        guard GatewatchLogging.level(logLevel) != nil else {
            throw ValidationError("--log.level \(logLevel): expected debug, info, warn or error")
        }
        guard LogFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log.format \(logFormat): expected logfmt or json")
        }
    }

    func run() throws {
        GatewatchLogging.bootstrap(level: GatewatchLogging.level(logLevel)!, format: LogFormat(rawValue: logFormat)!)
        let logger = Logger(label: "gatewatch")
        let options = ServeOptions(configPath: config, listenAddresses: listenAddresses, telemetryPath: telemetryPath,
                                   webConfigPath: webConfigFile, logPaths: logPaths)
        let exporter: Exporter
        do {
            exporter = try Exporter.start(options: options, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("gatewatch: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let stop = SignalLoop.run(reload: {
            logger.info("SIGHUP received, reloading config")
            exporter.reload()
        })
        logger.info("shutting down", metadata: ["signal": "\(stop)"])
        exporter.stop()
    }
}
