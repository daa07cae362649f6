import Foundation

/// Everything `gatewatch simulate` can be told. A plain value; `Simulator.init` validates it.
public struct SimulatorOptions: Sendable {
    /// The demo key accepted when no key is configured (`--api-key`, `GATEWATCH_SIM_API_KEYS`).
    public static let demoKey = "sim-demo-key"
    /// The environment variable with comma-separated accepted keys.
    public static let apiKeysEnvironment = "GATEWATCH_SIM_API_KEYS"
    /// The path prefix of the OpenAI-compatible provider (LLMAI) on every listener.
    public static let llmaiPrefix = "/llmai"

    /// One listener that routes by Host (`*.eu.*` is EU, else US; `api.llmai.*` is LLMAI without
    /// the prefix). nil: none.
    public var listen: String? = "127.0.0.1:9790"
    /// The US region's listener. nil: none.
    public var listenUS: String? = "127.0.0.1:9791"
    /// The EU region's listener. nil: none.
    public var listenEU: String? = "127.0.0.1:9792"
    /// Accepted keys; empty means `[demoKey]`.
    public var apiKeys: [String] = []
    /// Keys whose account is out of money (accepted, then refused for money): the speech API
    /// answers submits 400 (negative balance), LLMAI 402.
    public var depletedKeys: [String] = []
    /// A scenario YAML file (faults over time); nil: none.
    public var scenarioPath: String?
    /// Client mode: append one CONTRACT section 6 log line per request to this file.
    public var writeLog: String?
    /// Client mode: requests per second.
    public var rate: Double = 2
    /// Client mode: a request with no complete answer after this many seconds is logged as a timeout.
    public var clientTimeout: Double = 10
    /// Rate-limit window in seconds.
    public var window: Double = 60
    /// Requests per window per region and model.
    public var defaultLimit: Int = 30
    /// Per-model limits overriding `defaultLimit`.
    public var modelLimits: [String: Int] = [:]
    /// Seconds a new transcript stays `queued`, then `processing`.
    public var transcriptQueuedSeconds: Double = 1
    public var transcriptProcessingSeconds: Double = 2
    /// Seconds a `hang` fault holds a request before dropping it, unless the scenario says.
    public var hangSeconds: Double = 300
    /// Open connections per listener; each has its own thread, so a waiting request (latency,
    /// hang) stalls only its own connection.
    public var maxConnections: Int = 512
    /// Requests per listener that may wait (latency, hang) at once; past it a delay is skipped
    /// and a hang becomes a drop, so waiting connections cannot use up `maxConnections`.
    public var maxWaiting: Int = 256
    /// Transcripts kept per region; the oldest go first.
    public var maxTranscripts: Int = 10_000

    public init() {}

    /// The keys the simulator accepts: the configured ones (or the demo key when none is), plus
    /// the depleted ones.
    public var acceptedKeys: Set<String> {
        let keys = apiKeys.filter { !$0.isEmpty }
        return (keys.isEmpty ? [Self.demoKey] : Set(keys)).union(depletedKeys.filter { !$0.isEmpty })
    }

    /// Keys from `GATEWATCH_SIM_API_KEYS` (comma separated, blanks ignored).
    public static func keysFromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        (environment[apiKeysEnvironment] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The limit for a model.
    public func limit(for model: String) -> Int { modelLimits[model] ?? defaultLimit }
}

/// Why a simulator could not be built or started; one line.
public struct SimulatorError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
