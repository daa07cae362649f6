/// Build facts for `gatewatch_build_info` and `--version`.
public enum GatewatchModule {
    public static let version = "0.1.0"
    /// The git revision: `make release` (and so `make run`) stamps it through scripts/with-revision.sh;
    /// `unknown` in builds made without it.
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
