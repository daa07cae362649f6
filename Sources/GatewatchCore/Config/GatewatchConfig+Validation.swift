import Foundation

extension GatewatchConfig {
    /// Paths reserved for the exporter's other endpoints (CONTRACT section 2).
    static let reservedHTTPPaths: Set<String> = ["/", "/-/healthy", "/-/ready", "/-/reload",
                                                 "/api/v1/status", "/api/v1/failures"]

    /// Every model-level problem (required values, duplicate names, dangling references, ranges,
    /// URLs, listen addresses, missing `ca_file`), with YAML paths but no lines. Empty when valid.
    /// `ConfigLoader` runs this after decoding and adds the lines.
    public func validate() -> [ConfigProblem] {
        validationProblems(paths: ConfigElementPaths(targets: targets.indices.map { "targets[\($0)]" },
                                               probes: probes.indices.map { "probes[\($0)]" },
                                               logs: logs.indices.map { "logs[\($0)]" }))
    }

    func validationProblems(paths: ConfigElementPaths) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        func report(_ path: String, _ message: String) {
            problems.append(ConfigProblem(path: path, message: message))
        }

        // Targets.
        var targetPathByName: [String: String] = [:]
        for (t, path) in zip(targets, paths.targets) {
            if t.name.isEmpty {
                report("\(path).name", "required: a non-empty name that probes refer to")
            } else if let first = targetPathByName[t.name] {
                report("\(path).name", "duplicate target name \"\(t.name)\" (first defined at \(first))")
            } else {
                targetPathByName[t.name] = path
            }
            if t.provider.isEmpty {
                report("\(path).provider", "required: assemblyai_llm_gateway, assemblyai_speech, or an id of your own such as llmai")
            } else if let why = Self.labelValueProblem(t.provider) {
                report("\(path).provider", why)
            }
            if let why = Self.labelValueProblem(t.region) { report("\(path).region", why) }
            if t.baseURL.isEmpty {
                report("\(path).base_url", "required: an http or https URL such as https://llm-gateway.assemblyai.com")
            } else if let why = ConfigURL.problem(with: t.baseURL) {
                report("\(path).base_url", why)
            } else if let host = t.host, host == "assemblyai.com" || host.hasSuffix(".assemblyai.com") {
                // AssemblyAI hosts decide the region, and take no path prefix.
                let hostRegion = TargetConfig.inferRegion(baseURL: t.baseURL)
                if t.region != hostRegion {
                    report("\(path).region", "\"\(t.region)\" does not match base_url host \(host), which is in region \(hostRegion)")
                }
                if let urlPath = URLComponents(string: t.baseURL)?.path, !urlPath.isEmpty, urlPath != "/" {
                    report("\(path).base_url", "give the host only (https://\(host)); gatewatch adds the endpoint path, got \"\(urlPath)\"")
                }
            }
            if t.apiKeyEnv != nil, t.apiKeyFile != nil {
                report("\(path).api_key_file", "api_key_env and api_key_file are both set; choose one key source")
            }
            if let env = t.apiKeyEnv, !Self.isEnvironmentVariableName(env) {
                report("\(path).api_key_env", "not an environment variable name (letters, digits and _; not starting with a digit); write the variable's name, never the key")
            }
            if let file = t.apiKeyFile, file.isEmpty { report("\(path).api_key_file", "must not be empty") }
            if let ca = t.caFile {
                var isDirectory: ObjCBool = false
                if ca.isEmpty {
                    report("\(path).ca_file", "must not be empty")
                } else if !FileManager.default.fileExists(atPath: ca, isDirectory: &isDirectory) || isDirectory.boolValue {
                    report("\(path).ca_file", "file \(ca) does not exist")
                }
            }
        }

        // Probes.
        var probePathByName: [String: String] = [:]
        for (p, path) in zip(probes, paths.probes) {
            if p.name.isEmpty {
                report("\(path).name", "required: a non-empty name (the probe label)")
            } else if let first = probePathByName[p.name] {
                report("\(path).name", "duplicate probe name \"\(p.name)\" (first defined at \(first))")
            } else {
                probePathByName[p.name] = path
            }
            let target = targets.first { $0.name == p.target }
            if p.target.isEmpty {
                report("\(path).target", "required: the name of a target")
            } else if target == nil, !paths.targetsIncomplete, !targets.contains(where: { $0.name.isEmpty }) {
                // (When some target is unreadable or nameless, that problem is reported instead.)
                let known = targets.map(\.name).filter { !$0.isEmpty }
                report("\(path).target", "no target named \"\(p.target)\"" +
                       (known.isEmpty ? " (no targets are defined)" : "; targets: " + known.joined(separator: ", ")))
            }
            if !(p.interval > 0) {
                report("\(path).interval", "must be positive, got \(ConfigDuration.format(p.interval))")
            }
            if !(p.timeout > 0) {
                report("\(path).timeout", "must be positive, got \(ConfigDuration.format(p.timeout))")
            } else if p.interval > 0, p.timeout > p.interval {
                report("\(path).timeout", "\(ConfigDuration.format(p.timeout)) is longer than the interval \(ConfigDuration.format(p.interval))")
            }
            if p.minRemaining < 0 { report("\(path).min_remaining", "must be 0 or more, got \(p.minRemaining)") }
            if p.kind == .chat, (p.model ?? "").isEmpty {
                report("\(path).model", "required for kind chat: the model id to ask, such as claude-sonnet-4-6")
            }
            if let t = target {
                switch p.kind {
                case .chat where t.api == .assemblyAISpeech:
                    report("\(path).kind", "kind chat needs an LLM target, but target \"\(t.name)\" speaks \(t.api.rawValue)")
                case .transcriptList where t.api != .assemblyAISpeech:
                    report("\(path).kind", "kind transcript_list needs an assemblyai_speech target, but target \"\(t.name)\" speaks \(t.api.rawValue)")
                default: break
                }
                if (p.kind == .chat || p.kind == .transcriptList), !t.hasKeySource {
                    report("\(path).target", "kind \(p.kind.rawValue) needs an API key, but target \"\(t.name)\" has neither api_key_env nor api_key_file")
                }
            }
            if p.kind == .http {
                if !Self.isToken(p.method) { report("\(path).method", "\"\(p.method)\" is not an HTTP method") }
                if !p.path.hasPrefix("/") { report("\(path).path", "must start with /, got \"\(p.path)\"") }
                if p.expectStatus.isEmpty { report("\(path).expect_status", "must list at least one status code") }
                for code in p.expectStatus where !(100...599).contains(code) {
                    report("\(path).expect_status", "\(code) is not an HTTP status code (100..599)")
                }
                for h in p.headers {
                    let hp = "\(path).headers.\(h.name)"
                    if !Self.isToken(h.name) {
                        report(hp, "\"\(h.name)\" is not a valid header name")
                    } else if ["authorization", "proxy-authorization", "x-api-key", "api-key"].contains(h.name.lowercased()) {
                        report(hp, "credentials must not be written in the config; the target's api_key_env or api_key_file supplies the Authorization header")
                    }
                    if h.value.contains(where: { $0 == "\r" || $0 == "\n" }) {
                        report(hp, "header value must be a single line")
                    }
                }
            }
        }

        // Log sources.
        var logPathByName: [String: String] = [:]
        var globOwner: [String: String] = [:]
        for (l, path) in zip(logs, paths.logs) {
            if l.name.isEmpty {
                report("\(path).name", "required: a non-empty name (the log label)")
            } else if let first = logPathByName[l.name] {
                report("\(path).name", "duplicate log name \"\(l.name)\" (first defined at \(first))")
            } else {
                logPathByName[l.name] = path
            }
            if l.paths.isEmpty { report("\(path).paths", "required: a non-empty list of file globs") }
            for (i, glob) in l.paths.enumerated() {
                if glob.isEmpty {
                    report("\(path).paths[\(i)]", "must not be empty")
                } else if let owner = globOwner[glob] {
                    report("\(path).paths[\(i)]", "\"\(glob)\" is also tailed by \(owner); each file must belong to one log source")
                } else {
                    globOwner[glob] = "\(path).paths[\(i)]"
                }
            }
            if let why = Self.labelValueProblem(l.provider) { report("\(path).provider", why) }
            if let region = l.region, let why = Self.labelValueProblem(region) { report("\(path).region", why) }
            if !(1...LogSourceConfig.maxLineBytesLimit).contains(l.maxLineBytes) {
                report("\(path).max_line_bytes", "must be between 1 and \(LogSourceConfig.maxLineBytesLimit), got \(l.maxLineBytes)")
            }
            var fieldOwner: [String: String] = [:]
            for (key, value) in l.fields.all {
                if value.isEmpty {
                    report("\(path).fields.\(key)", "must not be empty")
                } else if let other = fieldOwner[value] {
                    report("\(path).fields.\(key)", "\"\(value)\" is already the name of fields.\(other)")
                } else {
                    fieldOwner[value] = key
                }
            }
        }

        if probes.isEmpty && logs.isEmpty && !paths.probesOrLogsIncomplete {
            report(targets.isEmpty ? "" : "probes", "nothing to watch: define at least one probe or log source")
        }

        // Limits.
        if limits.maxLabelValues < 1 { report("limits.max_label_values", "must be at least 1, got \(limits.maxLabelValues)") }
        if !(limits.ratelimitSeriesTTL > 0) {
            report("limits.ratelimit_series_ttl", "must be positive, got \(ConfigDuration.format(limits.ratelimitSeriesTTL))")
        }
        if limits.recentFailures < 1 { report("limits.recent_failures", "must be at least 1, got \(limits.recentFailures)") }

        // Status thresholds.
        let ratios: [(String, Double)] = [("error_ratio_warning", status.errorRatioWarning),
                                          ("error_ratio_critical", status.errorRatioCritical),
                                          ("headroom_warning", status.headroomWarning)]
        for (key, value) in ratios where !(0...1).contains(value) {
            report("status.\(key)", "must be a ratio between 0 and 1, got \(value)")
        }
        if (0...1).contains(status.errorRatioWarning), (0...1).contains(status.errorRatioCritical),
           status.errorRatioWarning > status.errorRatioCritical {
            report("status.error_ratio_warning", "\(status.errorRatioWarning) is above error_ratio_critical \(status.errorRatioCritical)")
        }
        if !(status.latencyP95Warning > 0) {
            report("status.latency_p95_warning", "must be positive, got \(ConfigDuration.format(status.latencyP95Warning))")
        }

        // Web.
        if web.listenAddresses.isEmpty { report("web.listen_address", "must name at least one address such as \":9788\"") }
        let many = web.listenAddresses.count > 1
        var seenAddresses: Set<String> = []
        for (i, address) in web.listenAddresses.enumerated() {
            let path = many ? "web.listen_address[\(i)]" : "web.listen_address"
            if let why = Self.listenAddressProblem(address) {
                report(path, why)
            } else if !seenAddresses.insert(address).inserted {
                report(path, "\"\(address)\" is listed twice")
            }
        }
        if let path = web.telemetryPath {
            if !path.hasPrefix("/") {
                report("web.telemetry_path", "must start with /, got \"\(path)\"")
            } else if Self.reservedHTTPPaths.contains(path) {
                report("web.telemetry_path", "\(path) is already used by another endpoint")
            }
        }
        return problems
    }

    /// Why `s` is not usable as a label value id (provider, region), or nil.
    static func labelValueProblem(_ s: String) -> String? {
        if s.isEmpty { return "must not be empty" }
        let ok = s.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0)) }
        return ok ? nil : "\"\(s)\" may contain only letters, digits, _ . and -"
    }

    static func isEnvironmentVariableName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
    }

    /// An HTTP token (RFC 9110): method and header names.
    static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0))
        }
    }

    /// Why `address` is not `host:port`, `:port` or `[v6]:port`, or nil.
    static func listenAddressProblem(_ address: String) -> String? {
        let expected = "expected host:port, :port or [v6]:port such as \":9788\", got \"\(address)\""
        guard let colon = address.lastIndex(of: ":") else { return expected }
        let host = address[..<colon], port = address[address.index(after: colon)...]
        guard let p = Int(port), (0...65535).contains(p), port.allSatisfy(\.isNumber) else {
            return "invalid port in \"\(address)\"; \(expected)"
        }
        if host.hasPrefix("[") != host.hasSuffix("]") { return expected }
        if !host.hasPrefix("["), host.contains(":") { return "IPv6 addresses need brackets: [\(host)]:\(port)" }
        if host.contains(where: { $0 == " " || $0 == "/" }) { return expected }
        return nil
    }
}
