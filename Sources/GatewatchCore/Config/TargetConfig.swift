/// An upstream endpoint (`targets[]`): where probes go and how they authenticate.
/// The API key itself is never part of the config; `api_key_env` or `api_key_file` names where it is.
public struct TargetConfig: Sendable, Hashable {
    /// Unique among targets; probes refer to it.
    public var name: String
    /// The `provider` label: `assemblyai_llm_gateway`, `assemblyai_speech`, or an id of your own (`llmai`).
    public var provider: String
    /// The API dialect: `api:` when given, else `ProviderAPI.forProvider(provider)`.
    public var api: ProviderAPI
    /// The `region` label. When the file does not say: `eu` for `*.eu.assemblyai.com`, `us` for
    /// other `*.assemblyai.com` hosts, else `unknown`.
    public var region: String
    /// `http` or `https` URL with a host and no credentials, query or fragment (`https://llm-gateway.assemblyai.com`).
    public var baseURL: String
    /// Name of the environment variable holding the API key.
    public var apiKeyEnv: String?
    /// File holding the API key (trailing newline ignored); relative paths are resolved against the config file's directory.
    public var apiKeyFile: String?
    /// Extra PEM trust anchors for this target (resolved like `apiKeyFile`).
    public var caFile: String?
    /// Skip certificate verification (default false). For test setups only.
    public var insecureSkipVerify: Bool

    public init(name: String, provider: String, api: ProviderAPI? = nil, region: String? = nil,
                baseURL: String, apiKeyEnv: String? = nil, apiKeyFile: String? = nil,
                caFile: String? = nil, insecureSkipVerify: Bool = false) {
        self.name = name
        self.provider = provider
        self.api = api ?? ProviderAPI.forProvider(provider)
        self.region = region ?? TargetConfig.inferRegion(baseURL: baseURL)
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.apiKeyFile = apiKeyFile
        self.caFile = caFile
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// True when the target names a key source (`api_key_env` or `api_key_file`).
    public var hasKeySource: Bool { apiKeyEnv != nil || apiKeyFile != nil }

    /// The host of `baseURL`, lowercased, when it parses.
    public var host: String? { ConfigURL.host(of: baseURL) }

    /// `eu` for `*.eu.assemblyai.com`, `us` for other `assemblyai.com` hosts, else `unknown`.
    public static func inferRegion(baseURL: String) -> String {
        guard let host = ConfigURL.host(of: baseURL) else { return "unknown" }
        if host.hasSuffix(".eu.assemblyai.com") { return "eu" }
        if host == "assemblyai.com" || host.hasSuffix(".assemblyai.com") { return "us" }
        return "unknown"
    }
}
