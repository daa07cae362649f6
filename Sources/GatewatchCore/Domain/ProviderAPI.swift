/// The API dialect a target speaks: decides the auth header form and the error table.
public enum ProviderAPI: String, Sendable, CaseIterable, Hashable {
    /// AssemblyAI LLM Gateway: raw key in `Authorization`, OpenAI-shaped chat completions.
    case assemblyAILLMGateway = "assemblyai_llm_gateway"
    /// AssemblyAI speech-to-text (`/v2/transcript`): raw key in `Authorization`.
    case assemblyAISpeech = "assemblyai_speech"
    /// Any other provider id: `Authorization: Bearer KEY`, OpenAI-style errors.
    case openAICompatible = "openai_compatible"

    /// The API a provider id speaks when the config does not say (CONTRACT section 5).
    public static func forProvider(_ provider: String) -> ProviderAPI {
        ProviderAPI(rawValue: provider) ?? .openAICompatible
    }

    /// The `Authorization` header value for a key.
    public func authorizationValue(key: String) -> String {
        switch self {
        case .assemblyAILLMGateway, .assemblyAISpeech: return key
        case .openAICompatible: return "Bearer \(key)"
        }
    }
}
