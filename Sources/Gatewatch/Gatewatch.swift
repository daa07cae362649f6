/// Build facts for `gatewatch_build_info` and `--version`.
public enum GatewatchModule {
    public static let version = "0.1.0"
    /// The git revision, stamped by `make` through GATEWATCH_REVISION at build time when known.
    public static let revision = BuildRevision.value
    #if compiler(>=6.3)
    public static let swiftVersion = "6.3"
    #elseif compiler(>=6.2)
    public static let swiftVersion = "6.2"
    #elseif compiler(>=6.1)
    public static let swiftVersion = "6.1"
    #else
    public static let swiftVersion = "6.0"
    #endif
}
