import GatewatchCore
import HTTPServer
/// The upstream stand-in.
public enum SimulatorModule {}
