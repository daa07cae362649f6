import Foundation

/// Checks on the `base_url` of a target.
enum ConfigURL {
    /// The lowercased host of an absolute URL, or nil.
    static func host(of url: String) -> String? {
        guard let c = URLComponents(string: url), let h = c.host, !h.isEmpty else { return nil }
        return h.lowercased()
    }

    /// Why `url` is not a usable base URL, or nil when it is. Never echoes user info.
    static func problem(with url: String) -> String? {
        guard let c = URLComponents(string: url), let scheme = c.scheme else {
            return "invalid URL \"\(url)\"; expected an absolute http or https URL such as https://llm-gateway.assemblyai.com"
        }
        if c.user != nil || c.password != nil {
            return "must not contain credentials; put the key in api_key_env or api_key_file"
        }
        guard ["http", "https"].contains(scheme.lowercased()) else {
            return "unsupported scheme \"\(scheme)\" in \"\(url)\"; expected http or https"
        }
        guard let host = c.host, !host.isEmpty else {
            return "no host in \"\(url)\"; expected an absolute http or https URL such as https://llm-gateway.assemblyai.com"
        }
        if c.query != nil || c.fragment != nil {
            return "must not have a query or fragment: \"\(url)\""
        }
        return nil
    }
}
