/// The two regions the simulator serves.
public enum SimRegion: String, Sendable, CaseIterable, Hashable {
    case us, eu

    /// EU for a host with an `.eu.` label (`llm-gateway.eu.assemblyai.com`), else US.
    public static func forHost(_ host: String?) -> SimRegion {
        guard let host = host?.lowercased() else { return .us }
        let name = host.split(separator: ":").first.map(String.init) ?? host
        return name.contains(".eu.") || name.hasPrefix("eu.") ? .eu : .us
    }
}

/// One model the simulator knows.
public struct SimModel: Sendable, Hashable {
    public var id: String
    /// anthropic, google, openai, ...
    public var vendor: String
    public var regions: Set<SimRegion>
    /// Context window in tokens (input plus max_tokens).
    public var contextTokens: Int

    /// OpenAI models stream (seed 000: "Streaming is currently supported on OpenAI models only").
    public var streams: Bool { vendor == "openai" }
}

/// The model catalogues: the LLM Gateway's (seed 001: Claude and most Gemini models in both
/// regions, OpenAI models in the US only) and LLMAI's (seed 004: lower-case slugs).
public enum ModelCatalogue {
    public static let llmGateway: [SimModel] = [
        SimModel(id: "claude-sonnet-4-6", vendor: "anthropic", regions: [.us, .eu], contextTokens: 200_000),
        SimModel(id: "claude-opus-4-6", vendor: "anthropic", regions: [.us, .eu], contextTokens: 200_000),
        SimModel(id: "claude-haiku-4-5", vendor: "anthropic", regions: [.us, .eu], contextTokens: 200_000),
        SimModel(id: "gemini-2.5-flash", vendor: "google", regions: [.us, .eu], contextTokens: 1_000_000),
        SimModel(id: "gemini-2.5-pro", vendor: "google", regions: [.us, .eu], contextTokens: 1_000_000),
        SimModel(id: "gemini-3-pro-preview", vendor: "google", regions: [.us], contextTokens: 1_000_000),
        SimModel(id: "gpt-5", vendor: "openai", regions: [.us], contextTokens: 400_000),
        SimModel(id: "gpt-5-mini", vendor: "openai", regions: [.us], contextTokens: 400_000),
        SimModel(id: "gpt-4.1", vendor: "openai", regions: [.us], contextTokens: 1_000_000),
        SimModel(id: "qwen3-next-80b-a3b", vendor: "qwen", regions: [.us], contextTokens: 128_000),
        SimModel(id: "kimi-k2-instruct", vendor: "moonshot", regions: [.us], contextTokens: 128_000),
    ]

    public static let llmai: [SimModel] = [
        SimModel(id: "gpt-5.4", vendor: "openai", regions: [.us, .eu], contextTokens: 400_000),
        SimModel(id: "gemini-3-flash-preview", vendor: "google", regions: [.us, .eu], contextTokens: 1_000_000),
        SimModel(id: "claude-sonnet-4-6", vendor: "anthropic", regions: [.us, .eu], contextTokens: 200_000),
        SimModel(id: "deepseek-v3.2", vendor: "deepseek", regions: [.us, .eu], contextTokens: 128_000),
    ]

    private static let gatewayIndex = Dictionary(uniqueKeysWithValues: llmGateway.map { ($0.id, $0) })
    private static let llmaiIndex = Dictionary(uniqueKeysWithValues: llmai.map { ($0.id, $0) })

    /// An LLM Gateway model served in `region`, or nil ("model {model} is not supported").
    public static func gatewayModel(_ id: String, in region: SimRegion) -> SimModel? {
        guard let model = gatewayIndex[id], model.regions.contains(region) else { return nil }
        return model
    }

    /// An LLMAI model by its exact (case-sensitive) slug.
    public static func llmaiModel(_ id: String) -> SimModel? { llmaiIndex[id] }
}
