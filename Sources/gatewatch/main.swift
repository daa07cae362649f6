import ArgumentParser
import Gatewatch

struct GatewatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatewatch",
        abstract: "Prometheus exporter and health monitor for LLM and speech API gateways.",
        version: GatewatchModule.version)
}
GatewatchCommand.main()
