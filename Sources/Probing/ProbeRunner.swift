import Dispatch
import Foundation
import GatewatchCore
import Synchronization

/// Runs probes once, now (`gatewatch probe`), and turns a config into plans.
public enum ProbeRunner {
    /// A probe name that is not in the config.
    public struct UnknownProbes: Error, CustomStringConvertible {
        public var names: [String]
        public var known: [String]
        public var description: String {
            "unknown probe\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")); configured: "
                + (known.isEmpty ? "none" : known.joined(separator: ", "))
        }
    }

    /// Runs the named probes (all when `names` is empty) concurrently, once, and returns their
    /// results in config order. Budget checks are skipped unless `mayProbeSpend` is given. Blocks
    /// until every run ended (each within its probe's timeout).
    public static func runOnce(_ config: GatewatchConfig, names: [String] = [], environment: [String: String],
                               record: @escaping @Sendable (RequestRecord) -> Classification?,
                               classifyTransport: (@Sendable (RequestRecord) -> Classification?)? = nil,
                               mayProbeSpend: (@Sendable (String, String, String, Int) -> Bool)? = nil,
                               onEvent: @escaping @Sendable (ServiceEvent) -> Void = { _ in }) throws -> [ProbeResult] {
        let known = config.probes.map(\.name)
        let unknown = names.filter { !known.contains($0) }
        guard unknown.isEmpty else { throw UnknownProbes(names: unknown, known: known) }
        let wanted = Set(names)
        let selected = plans(config, environment: environment, onEvent: onEvent)
            .filter { wanted.isEmpty || wanted.contains($0.name) }
        guard !selected.isEmpty else { return [] }
        guard let client = CurlClient(name: "gatewatch-probe-once") else {
            throw ProbeRunnerError.curlUnavailable
        }
        defer { client.stop() }
        let results = Mutex<[String: ProbeResult]>([:])
        let done = DispatchSemaphore(value: 0)
        let accepted = client.execute { loop in
            for plan in selected {
                if plan.spendsBudget, let mayProbeSpend,
                   !mayProbeSpend(plan.target.provider, plan.target.region, plan.model, plan.config.minRemaining) {
                    results.withLock { $0[plan.name] = ProbeExecution.skipped(plan, reason: "budget") }
                    done.signal()
                    continue
                }
                ProbeExecution.start(plan, on: loop, record: record, classifyTransport: classifyTransport) { result in
                    results.withLock { $0[plan.name] = result }
                    done.signal()
                }
            }
        }
        guard accepted else { throw ProbeRunnerError.curlUnavailable }
        for _ in selected { done.wait() }
        let byName = results.withLock { $0 }
        return selected.compactMap { byName[$0.name] }
    }

    /// The plans of `config`, keys read from `environment`/`api_key_file`. A key that cannot be
    /// read is reported (naming the variable or file, never a key) and the probe runs without it.
    static func plans(_ config: GatewatchConfig, environment: [String: String],
                      onEvent: @Sendable (ServiceEvent) -> Void) -> [ProbePlan] {
        var keys: [String: String?] = [:]
        var plans: [ProbePlan] = []
        for probe in config.probes {
            guard let target = config.target(named: probe.target) else {
                onEvent(ServiceEvent(level: .error, message: "probe refers to an unknown target",
                                      metadata: ["probe": probe.name, "target": probe.target]))
                continue
            }
            var key: String?
            if probe.kind.sendsAPIKey {
                if let cached = keys[target.name] {
                    key = cached
                } else {
                    do {
                        key = try target.resolveAPIKey(environment: environment)
                    } catch {
                        onEvent(ServiceEvent(level: .error, message: "cannot read the API key; probes of this target run without one",
                                              metadata: ["target": target.name, "error": String(describing: error)]))
                    }
                    keys[target.name] = .some(key)
                }
                if key == nil && !target.hasKeySource && probe.kind != .http {
                    onEvent(ServiceEvent(level: .warning, message: "probe sends no API key: its target names no api_key_env or api_key_file",
                                          metadata: ["probe": probe.name, "target": target.name]))
                }
            }
            plans.append(ProbePlan(config: probe, target: target, apiKey: key))
        }
        return plans
    }

    /// The keys in use by `config` (for redacting output).
    public static func apiKeys(_ config: GatewatchConfig, environment: [String: String]) -> [String] {
        config.targets.compactMap { try? $0.resolveAPIKey(environment: environment) }
    }
}

public enum ProbeRunnerError: Error, CustomStringConvertible {
    case curlUnavailable
    public var description: String { "libcurl could not be initialised" }
}
