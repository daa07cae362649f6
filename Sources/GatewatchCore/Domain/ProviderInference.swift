/// Provider and region of a request, inferred from a host, a URL or a region string
/// (CONTRACT section 3, seeds 003).
///
/// AssemblyAI hosts: `llm-gateway[.eu].assemblyai.com` is the LLM Gateway,
/// `api[.eu].assemblyai.com` and `streaming[.eu].assemblyai.com` the speech API; any
/// `*.eu.assemblyai.com` host is `eu`, any other `*.assemblyai.com` host `us`. Other hosts say
/// nothing: callers take their configured default. Pure functions, callable from any thread.
public enum ProviderInference {
    /// What a host tells about a request; nil fields when it says nothing.
    public struct Endpoint: Sendable, Hashable {
        /// Lowercased host name, without port, user info or brackets.
        public var host: String
        public var provider: String?
        public var region: String?

        public init(host: String, provider: String?, region: String?) {
            self.host = host
            self.provider = provider
            self.region = region
        }
    }

    /// True when `value` looks like a host or URL rather than a region code (`us`, `eu`).
    public static func isHostOrURL(_ value: String) -> Bool {
        value.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ":") }
    }

    /// The lowercased host of a URL (`https://host:443/path`) or a bare host (`host`, `host:8080`);
    /// nil when there is none.
    public static func host(of hostOrURL: String) -> String? {
        var rest = Substring(hostOrURL.trimmingASCIIWhitespace())
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
        } else if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
        }
        // Authority ends at the first '/', '?' or '#'.
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            rest = rest[..<end]
        }
        if let at = rest.lastIndex(of: "@") {
            rest = rest[rest.index(after: at)...]
        }
        if rest.hasPrefix("[") {
            // IPv6 literal: [::1]:8080
            guard let close = rest.firstIndex(of: "]") else { return nil }
            let inner = rest[rest.index(after: rest.startIndex)..<close]
            return inner.isEmpty ? nil : inner.lowercased()
        }
        if let colon = rest.firstIndex(of: ":") {
            rest = rest[..<colon]
        }
        while rest.hasSuffix(".") {
            rest = rest.dropLast()
        }
        return rest.isEmpty ? nil : rest.lowercased()
    }

    /// The provider and region a host or URL tells; nil when it has no host.
    public static func endpoint(_ hostOrURL: String) -> Endpoint? {
        guard let host = host(of: hostOrURL) else { return nil }
        let suffix = "assemblyai.com"
        guard host == suffix || host.hasSuffix("." + suffix) else {
            return Endpoint(host: host, provider: nil, region: nil)
        }
        let labels = host.split(separator: ".")
        // labels: [..., "assemblyai", "com"]
        let sub = labels.dropLast(2)
        let region = sub.last == "eu" ? "eu" : "us"
        let provider: String?
        switch sub.first {
        case "llm-gateway": provider = ProviderAPI.assemblyAILLMGateway.rawValue
        case "api", "streaming": provider = ProviderAPI.assemblyAISpeech.rawValue
        default: provider = nil
        }
        return Endpoint(host: host, provider: provider, region: region)
    }

    /// The `region` label for a region string: a code as written (lowercased; `us`, `eu`, or a
    /// region a config declares), or inferred from a host or URL; `defaultRegion` when it says nothing.
    public static func region(_ value: String, default defaultRegion: String = "unknown") -> String {
        let trimmed = value.trimmingASCIIWhitespace()
        if trimmed.isEmpty {
            return defaultRegion
        }
        if isHostOrURL(trimmed) {
            return endpoint(trimmed)?.region ?? defaultRegion
        }
        return trimmed.lowercased()
    }

    /// The provider a host or URL tells, else `defaultProvider`.
    public static func provider(_ hostOrURL: String, default defaultProvider: String) -> String {
        endpoint(hostOrURL)?.provider ?? defaultProvider
    }
}

extension String {
    /// Without leading and trailing ASCII spaces, tabs, CR and LF (no Foundation needed).
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
              let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == 0 && last == bytes.count - 1 {
            return self
        }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
