import GatewatchCore

/// A probe ready to run: its config, its target and the key read at (re)load. The key is used
/// only for the `Authorization` header; `description` leaves it out.
struct ProbePlan: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    let config: ProbeConfig
    let target: TargetConfig
    /// nil when the kind sends none, the target names no key source, or the key could not be read.
    let apiKey: String?
    /// Request kinds keep their connection alive between runs (`ProbeService(reuseConnections:)`);
    /// `tls` probes always connect afresh.
    var reuseConnections = false
    /// The target's host, parsed once (every record carries it).
    let host: String?

    /// The transfer, built once (the plan is immutable but for `reuseConnections`).
    private var builtRequest: CurlRequest

    init(config: ProbeConfig, target: TargetConfig, apiKey: String?) {
        self.config = config
        self.target = target
        self.apiKey = apiKey
        self.host = target.host
        self.builtRequest = CurlRequest(url: "")
        self.builtRequest = makeRequest()
    }

    var name: String { config.name }
    var kind: ProbeKind { config.kind }
    /// The `model` label of its request: the probe's model (chat, optionally http), else empty.
    var model: String { config.model ?? "" }

    /// Whether a run spends the application's rate limit (and money): asks the budget first.
    var spendsBudget: Bool {
        switch kind {
        case .chat: return true
        case .http: return config.model != nil
        case .tls, .transcriptList: return false
        }
    }

    /// `Authorization: ...` in the target's API dialect, when a key is available and the kind sends it.
    var authorizationLine: String? {
        guard kind.sendsAPIKey, let apiKey else { return nil }
        return "Authorization: " + target.api.authorizationValue(key: apiKey)
    }

    /// The base URL joined with `path`. A base URL that already ends in `/v1` takes `/v1/...`
    /// paths without repeating it (OpenAI-compatible base URLs are often written that way).
    func url(path: String) -> String {
        var base = target.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") && path.hasPrefix("/v1/") { base.removeLast(3) }
        return base + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// The transfer this probe's kind makes.
    var request: CurlRequest {
        var r = builtRequest
        r.freshConnection = kind == .tls || !reuseConnections
        return r
    }

    private func makeRequest() -> CurlRequest {
        var r: CurlRequest
        switch kind {
        case .tls: r = TLSProbe.request(self)
        case .http: r = HTTPProbe.request(self)
        case .chat: r = ChatProbe.request(self)
        case .transcriptList: r = TranscriptListProbe.request(self)
        }
        r.timeout = config.timeout
        r.connectTimeout = config.timeout
        r.caFile = target.caFile
        r.insecureSkipVerify = target.insecureSkipVerify
        return r
    }

    /// Whether the HTTP answer means the probe succeeded (transport errors are failures before this).
    func accepts(status: Int) -> Bool {
        switch kind {
        case .tls: return true
        case .http: return config.expectStatus.contains(status)
        case .chat, .transcriptList: return (200..<300).contains(status)
        }
    }

    var description: String { "probe \(name) (\(kind.rawValue) on target \(target.name))" }
    var debugDescription: String { description }
}
