extension GatewatchConfig {
    /// The environment variable the built-in default reads the AssemblyAI key from.
    public static let defaultAPIKeyVariable = "ASSEMBLYAI_API_KEY"
    /// The model the built-in `chat` probes ask: the model the seeds document (seed 001
    /// quickstart), and Claude models are served in both US and EU. A probe asks for 1 token.
    public static let defaultChatModel = "claude-sonnet-4-6"

    /// The config `serve` runs without `--config` (CONTRACT section 5):
    /// - targets `llm-us`, `llm-eu` (LLM Gateway) and `speech-us`, `speech-eu` (speech API);
    /// - a `tls` probe on each, every 30 s (`llm-us-tls`, ...);
    /// - only when `ASSEMBLYAI_API_KEY` is set and non-empty: the targets name it as `api_key_env`,
    ///   and `llm-us-chat`/`llm-eu-chat` (`chat`, `defaultChatModel`, every 2 min, timeout 30 s)
    ///   and `speech-us-transcript-list`/`speech-eu-transcript-list` (`transcript_list`, every 60 s) are added;
    /// - a log source `default` over `logPaths` (the `--log.path` globs) only when some are given.
    /// The result passes `validate()`.
    public static func builtInDefault(environment: [String: String], logPaths: [String]) -> GatewatchConfig {
        let hasKey = !(environment[defaultAPIKeyVariable] ?? "").isEmpty
        let keyEnv = hasKey ? defaultAPIKeyVariable : nil
        let llm = ProviderAPI.assemblyAILLMGateway.rawValue, speech = ProviderAPI.assemblyAISpeech.rawValue
        let targets = [
            TargetConfig(name: "llm-us", provider: llm, region: "us",
                         baseURL: "https://llm-gateway.assemblyai.com", apiKeyEnv: keyEnv),
            TargetConfig(name: "llm-eu", provider: llm, region: "eu",
                         baseURL: "https://llm-gateway.eu.assemblyai.com", apiKeyEnv: keyEnv),
            TargetConfig(name: "speech-us", provider: speech, region: "us",
                         baseURL: "https://api.assemblyai.com", apiKeyEnv: keyEnv),
            TargetConfig(name: "speech-eu", provider: speech, region: "eu",
                         baseURL: "https://api.eu.assemblyai.com", apiKeyEnv: keyEnv),
        ]
        var probes = targets.map { ProbeConfig(name: "\($0.name)-tls", target: $0.name, kind: .tls, interval: 30) }
        if hasKey {
            for region in ["us", "eu"] {
                probes.append(ProbeConfig(name: "llm-\(region)-chat", target: "llm-\(region)", kind: .chat,
                                          interval: 120, timeout: 30, model: defaultChatModel))
            }
            for region in ["us", "eu"] {
                probes.append(ProbeConfig(name: "speech-\(region)-transcript-list", target: "speech-\(region)",
                                          kind: .transcriptList, interval: 60))
            }
        }
        let logs = logPaths.isEmpty ? [] : [LogSourceConfig(name: "default", paths: logPaths)]
        return GatewatchConfig(targets: targets, probes: probes, logs: logs)
    }
}
