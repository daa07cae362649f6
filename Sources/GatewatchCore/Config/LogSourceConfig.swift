/// A set of JSON-lines log files to tail (`logs[]`).
///
/// Defaults: `provider` `assemblyai_llm_gateway`, no `region` (then the line, its host or URL
/// says, else `unknown`), `start_at` end, `max_line_bytes` 1 MiB, `fields` as `LogFieldNames()`.
public struct LogSourceConfig: Sendable, Hashable {
    public static let defaultMaxLineBytes = 1_048_576
    /// Upper bound accepted for `max_line_bytes` (64 MiB).
    public static let maxLineBytesLimit = 64 * 1_048_576

    /// Unique among log sources; the `log` label.
    public var name: String
    /// Glob patterns (`/var/log/app/llm-*.jsonl`), as written (relative to the working directory).
    public var paths: [String]
    /// The provider of a line that does not say.
    public var provider: String
    /// The API dialect of that provider (`api:` or `ProviderAPI.forProvider(provider)`).
    public var api: ProviderAPI
    /// The region of a line that does not say (nil: infer from the line, else `unknown`).
    public var region: String?
    public var startAt: LogStartPosition
    public var maxLineBytes: Int
    public var fields: LogFieldNames

    public init(name: String, paths: [String], provider: String = ProviderAPI.assemblyAILLMGateway.rawValue,
                api: ProviderAPI? = nil, region: String? = nil, startAt: LogStartPosition = .end,
                maxLineBytes: Int = LogSourceConfig.defaultMaxLineBytes, fields: LogFieldNames = LogFieldNames()) {
        self.name = name
        self.paths = paths
        self.provider = provider
        self.api = api ?? ProviderAPI.forProvider(provider)
        self.region = region
        self.startAt = startAt
        self.maxLineBytes = maxLineBytes
        self.fields = fields
    }
}
