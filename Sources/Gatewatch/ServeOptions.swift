import Foundation
import GatewatchCore

/// What `gatewatch serve`'s flags say; flags override the config file.
public struct ServeOptions: Sendable {
    /// The config file; nil runs the built-in default config.
    public var configPath: String?
    /// `--web.listen-address` (repeatable); empty means the config's `web.listen_address`.
    public var listenAddresses: [String]
    /// `--web.telemetry-path`; nil means the config's, else `/metrics`.
    public var telemetryPath: String?
    /// `--web.config.file`: TLS and basic auth.
    public var webConfigPath: String?
    /// `--log.path` globs: tailed as a log source named `default`.
    public var logPaths: [String]
    /// The environment API keys and `$STATE_DIRECTORY` are read from.
    public var environment: [String: String]

    public init(configPath: String? = nil, listenAddresses: [String] = [], telemetryPath: String? = nil,
                webConfigPath: String? = nil, logPaths: [String] = [],
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.configPath = configPath
        self.listenAddresses = listenAddresses
        self.telemetryPath = telemetryPath
        self.webConfigPath = webConfigPath
        self.logPaths = logPaths
        self.environment = environment
    }

    /// The config these options run: the file's (plus any `--log.path` source) or the built-in default.
    public func loadConfig() throws(ConfigError) -> GatewatchConfig {
        guard let configPath else {
            return GatewatchConfig.builtInDefault(environment: environment, logPaths: logPaths)
        }
        var config = try ConfigLoader.load(path: configPath)
        if !logPaths.isEmpty {
            guard !config.logs.contains(where: { $0.name == "default" }) else {
                throw ConfigError(file: configPath, problems: [ConfigProblem(
                    path: "logs", message: "--log.path adds a log source named \"default\", and the file already has one")])
            }
            config.logs.append(LogSourceConfig(name: "default", paths: logPaths))
        }
        return config
    }

    /// The addresses to listen on.
    public func effectiveListenAddresses(_ config: GatewatchConfig) -> [String] {
        listenAddresses.isEmpty ? config.web.listenAddresses : listenAddresses
    }

    /// The path the exposition is served on.
    public func effectiveTelemetryPath(_ config: GatewatchConfig) -> String {
        telemetryPath ?? config.web.telemetryPath ?? "/metrics"
    }
}
