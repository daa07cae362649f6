/// The whole configuration (CONTRACT section 5), as validated by `ConfigLoader`.
/// An immutable value: a reload builds a new one.
public struct GatewatchConfig: Sendable, Equatable {
    public var targets: [TargetConfig]
    public var probes: [ProbeConfig]
    public var logs: [LogSourceConfig]
    /// `state_dir` as written; nil when absent (see `resolvedStateDir(environment:)`).
    public var stateDir: String?
    public var limits: LimitsConfig
    public var status: StatusThresholds
    public var web: WebConfig

    public init(targets: [TargetConfig] = [], probes: [ProbeConfig] = [], logs: [LogSourceConfig] = [],
                stateDir: String? = nil, limits: LimitsConfig = LimitsConfig(),
                status: StatusThresholds = StatusThresholds(), web: WebConfig = WebConfig()) {
        self.targets = targets
        self.probes = probes
        self.logs = logs
        self.stateDir = stateDir
        self.limits = limits
        self.status = status
        self.web = web
    }

    /// The checkpoint directory: `state_dir`, else `$STATE_DIRECTORY` (systemd; the first of a
    /// colon-separated list), else `./.gatewatch`.
    public func resolvedStateDir(environment: [String: String]) -> String {
        if let stateDir { return stateDir }
        if let env = environment["STATE_DIRECTORY"],
           let first = env.split(separator: ":").first, !first.isEmpty {
            return String(first)
        }
        return "./.gatewatch"
    }

    /// The target a probe refers to, if any.
    public func target(named name: String) -> TargetConfig? {
        targets.first { $0.name == name }
    }
}
