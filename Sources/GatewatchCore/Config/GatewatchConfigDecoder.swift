import Foundation
import Yams

/// Builds a `GatewatchConfig` from a composed YAML tree, reporting structural problems (unknown
/// keys, wrong types, bad durations and enum values) to the reader. Model-level checks
/// (required values, references, ranges) are `GatewatchConfig.validationProblems`.
struct GatewatchConfigDecoder {
    static let topKeys = ["targets", "probes", "logs", "state_dir", "limits", "status", "web"]
    static let targetKeys = ["name", "provider", "api", "region", "base_url", "api_key_env",
                             "api_key_file", "ca_file", "insecure_skip_verify"]
    static let probeKeys = ["name", "target", "kind", "interval", "timeout", "model", "min_remaining",
                            "method", "path", "headers", "body", "expect_status"]
    static let httpOnlyProbeKeys = ["method", "path", "headers", "body", "expect_status"]
    static let logKeys = ["name", "paths", "provider", "api", "region", "start_at", "max_line_bytes", "fields"]
    static let limitsKeys = ["max_label_values", "ratelimit_series_ttl", "recent_failures"]
    static let statusKeys = ["error_ratio_warning", "error_ratio_critical", "headroom_warning", "latency_p95_warning"]
    static let webKeys = ["listen_address", "telemetry_path"]

    let reader: ConfigNodeReader
    /// Directory that relative `api_key_file` / `ca_file` paths are resolved against; nil leaves them as written.
    let baseDirectory: String?

    /// The decoded config and the YAML path of each target, probe and log (list positions in the
    /// file, which differ from model indices when an element could not be read).
    func decode(_ root: Node) -> (config: GatewatchConfig, paths: ConfigElementPaths)? {
        guard let top = reader.mapping(root, at: "", allowed: Self.topKeys) else { return nil }
        var config = GatewatchConfig()
        var paths = ConfigElementPaths()
        let targetNodes = reader.list(top, "targets")
        paths.targetsIncomplete = top["targets"] != nil && targetNodes == nil
        for (node, path) in targetNodes ?? [] {
            if let t = target(node, path) {
                config.targets.append(t)
                paths.targets.append(path)
            } else {
                paths.targetsIncomplete = true
            }
        }
        let probeNodes = reader.list(top, "probes")
        var watchIncomplete = (top["probes"] != nil && probeNodes == nil)
        for (node, path) in probeNodes ?? [] {
            if let p = probe(node, path) { config.probes.append(p); paths.probes.append(path) } else { watchIncomplete = true }
        }
        let logNodes = reader.list(top, "logs")
        watchIncomplete = watchIncomplete || (top["logs"] != nil && logNodes == nil)
        for (node, path) in logNodes ?? [] {
            if let l = log(node, path) { config.logs.append(l); paths.logs.append(path) } else { watchIncomplete = true }
        }
        paths.probesOrLogsIncomplete = watchIncomplete
        config.stateDir = reader.string(top, "state_dir")
        if let node = top["limits"], let m = reader.mapping(node, at: "limits", allowed: Self.limitsKeys) {
            config.limits = limits(m)
        }
        if let node = top["status"], let m = reader.mapping(node, at: "status", allowed: Self.statusKeys) {
            config.status = status(m)
        }
        if let node = top["web"], let m = reader.mapping(node, at: "web", allowed: Self.webKeys) {
            config.web = web(m)
        }
        return (config, paths)
    }

    private func resolve(_ path: String?) -> String? {
        guard let path, !path.isEmpty, let base = baseDirectory, !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: base).appendingPathComponent(path).path
    }

    private func target(_ node: Node, _ path: String) -> TargetConfig? {
        guard let m = reader.mapping(node, at: path, allowed: Self.targetKeys) else { return nil }
        let baseURL = reader.string(m, "base_url") ?? ""
        return TargetConfig(
            name: reader.string(m, "name") ?? "",
            provider: reader.string(m, "provider") ?? "",
            api: reader.enumeration(m, "api", ProviderAPI.self),
            region: reader.string(m, "region"),
            baseURL: baseURL,
            apiKeyEnv: reader.string(m, "api_key_env"),
            apiKeyFile: resolve(reader.string(m, "api_key_file")),
            caFile: resolve(reader.string(m, "ca_file")),
            insecureSkipVerify: reader.bool(m, "insecure_skip_verify") ?? false)
    }

    private func probe(_ node: Node, _ path: String) -> ProbeConfig? {
        guard let m = reader.mapping(node, at: path, allowed: Self.probeKeys) else { return nil }
        let parsedKind = reader.enumeration(m, "kind", ProbeKind.self)
        if m["kind"] == nil {
            reader.report(m.childPath("kind"), "required; one of: " + ProbeKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        // An unreadable kind decodes as http so the other keys are still checked; the config is rejected anyway.
        let kind = parsedKind ?? .http
        if let k = parsedKind, k != .http {
            for key in Self.httpOnlyProbeKeys where m.has(key) {
                reader.report(m.childPath(key), "only used by kind http, not \(k.rawValue)")
            }
            if m.has("model"), k == .tls || k == .transcriptList {
                reader.report(m.childPath("model"), "not used by kind \(k.rawValue) (only by chat and http)")
            }
            if m.has("min_remaining"), k == .tls {
                reader.report(m.childPath("min_remaining"), "not used by kind tls (it sends no request)")
            }
        }
        let interval = reader.duration(m, "interval") ?? ProbeConfig.defaultInterval
        var headers: [HTTPHeader] = []
        if let node = m["headers"], let entries = reader.freeMapping(node, at: m.childPath("headers")) {
            for (name, value, p) in entries {
                if let v = reader.string(value, at: p) { headers.append(HTTPHeader(name, v)) }
            }
        }
        var expect: [Int] = [200]
        if let elements = reader.list(m, "expect_status") {
            expect = elements.compactMap { reader.int($0.node, at: $0.path) }
        }
        return ProbeConfig(
            name: reader.string(m, "name") ?? "",
            target: reader.string(m, "target") ?? "",
            kind: kind,
            interval: interval,
            timeout: reader.duration(m, "timeout"),
            model: reader.string(m, "model"),
            minRemaining: reader.int(m, "min_remaining") ?? ProbeConfig.defaultMinRemaining,
            method: reader.string(m, "method") ?? "GET",
            path: reader.string(m, "path") ?? "/",
            headers: headers,
            body: reader.string(m, "body"),
            expectStatus: expect)
    }

    private func log(_ node: Node, _ path: String) -> LogSourceConfig? {
        guard let m = reader.mapping(node, at: path, allowed: Self.logKeys) else { return nil }
        var fields = LogFieldNames()
        if let node = m["fields"], let f = reader.mapping(node, at: m.childPath("fields"), allowed: LogFieldNames.keys) {
            for key in LogFieldNames.keys {
                if let v = reader.string(f, key) { _ = fields.set(key, to: v) }
            }
        }
        var paths: [String] = []
        if let node = m["paths"] {
            if case .scalar = node {
                reader.report(m.childPath("paths"), "expected a list of globs, got a string; write paths: [\"\(node.scalar?.string ?? "")\"]")
            } else {
                paths = reader.stringList(m, "paths") ?? []
            }
        }
        return LogSourceConfig(
            name: reader.string(m, "name") ?? "",
            paths: paths,
            provider: reader.string(m, "provider") ?? ProviderAPI.assemblyAILLMGateway.rawValue,
            api: reader.enumeration(m, "api", ProviderAPI.self),
            region: reader.string(m, "region"),
            startAt: reader.enumeration(m, "start_at", LogStartPosition.self) ?? .end,
            maxLineBytes: reader.int(m, "max_line_bytes") ?? LogSourceConfig.defaultMaxLineBytes,
            fields: fields)
    }

    private func limits(_ m: ConfigNodeMapping) -> LimitsConfig {
        let d = LimitsConfig()
        return LimitsConfig(maxLabelValues: reader.int(m, "max_label_values") ?? d.maxLabelValues,
                            ratelimitSeriesTTL: reader.duration(m, "ratelimit_series_ttl") ?? d.ratelimitSeriesTTL,
                            recentFailures: reader.int(m, "recent_failures") ?? d.recentFailures)
    }

    private func status(_ m: ConfigNodeMapping) -> StatusThresholds {
        let d = StatusThresholds()
        return StatusThresholds(
            errorRatioWarning: reader.number(m, "error_ratio_warning") ?? d.errorRatioWarning,
            errorRatioCritical: reader.number(m, "error_ratio_critical") ?? d.errorRatioCritical,
            headroomWarning: reader.number(m, "headroom_warning") ?? d.headroomWarning,
            latencyP95Warning: reader.duration(m, "latency_p95_warning") ?? d.latencyP95Warning)
    }

    private func web(_ m: ConfigNodeMapping) -> WebConfig {
        var web = WebConfig()
        if let node = m["listen_address"] {
            if case .sequence = node {
                web.listenAddresses = reader.stringList(m, "listen_address") ?? web.listenAddresses
            } else if let s = reader.string(m, "listen_address") {
                web.listenAddresses = [s]
            }
        }
        web.telemetryPath = reader.string(m, "telemetry_path")
        return web
    }
}

/// The YAML path of each decoded target, probe and log source, by model index.
struct ConfigElementPaths {
    var targets: [String] = []
    var probes: [String] = []
    var logs: [String] = []
    /// Some target could not be read, so a probe naming an unknown target may be a consequence.
    var targetsIncomplete = false
    /// Some probe or log source could not be read, so "nothing to watch" would be a consequence.
    var probesOrLogsIncomplete = false
}
