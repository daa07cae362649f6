/// What a probe does (CONTRACT section 5).
public enum ProbeKind: String, Sendable, CaseIterable, Hashable {
    /// Connect and TLS handshake only: no key, no cost.
    case tls
    /// A request with `method`, `path`, `headers`, `body`, checked against `expect_status`.
    case http
    /// POST `/v1/chat/completions` with a tiny prompt and `max_tokens: 1` (costs money, uses rate limit).
    case chat
    /// GET `/v2/transcript?limit=1` on the speech API: auth and availability at no cost.
    case transcriptList = "transcript_list"

    /// Whether the probe sends the target's API key. `chat` and `transcript_list` cannot succeed
    /// without one; `http` sends it when the target has one; `tls` never does.
    public var sendsAPIKey: Bool { self != .tls }

    /// The default timeout cap: 30 s for `chat` (a model answers slowly), 10 s for the others.
    public var defaultTimeoutCap: Double { self == .chat ? 30 : 10 }
}
