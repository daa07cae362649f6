import ArgumentParser
import Gatewatch

@main
struct GatewatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatewatch",
        abstract: "Prometheus exporter and health monitor for LLM and speech API gateways.",
        version: GatewatchModule.version,
        subcommands: [ServeCommand.self, StatusCommand.self, ProbeCommand.self, CheckConfigCommand.self,
                      SupportBundleCommand.self, ReplayCommand.self])
}
