/// `web:` — where the exporter listens. Command-line flags override these.
public struct WebConfig: Sendable, Hashable {
    public static let defaultListenAddress = ":9788"

    /// `host:port`, `:port` or `[v6]:port`; `listen_address` may be a string or a list (default [":9788"]).
    public var listenAddresses: [String]
    /// The metrics path, starting with `/`; nil means the flag default `/metrics`.
    public var telemetryPath: String?

    public init(listenAddresses: [String] = [WebConfig.defaultListenAddress], telemetryPath: String? = nil) {
        self.listenAddresses = listenAddresses
        self.telemetryPath = telemetryPath
    }
}
