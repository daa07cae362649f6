import GatewatchCore
/// Wiring: the exporter service.
public enum GatewatchModule {
    public static let version = "0.1.0"
}
