import Foundation
import GatewatchCore
import Yams

/// Reads a scenario YAML file. Every problem names the file, the YAML path and line, the value
/// and what was expected, e.g. `eu.yml: faults[1].after (line 7): "soon" is not a duration (30s, 5m, 1h)`.
///
/// ```yaml
/// name: eu-outage
/// loop: true            # start again after `period` (default: the end of the last fault)
/// period: 10m
/// faults:
///   - after: 1m         # default 0
///     for: 4m           # default: until the end
///     region: eu        # us | eu; default both
///     model: "claude-*" # glob; default every model
///     endpoint: chat    # chat | transcript | llmai; default all
///     probability: 0.5  # default 1
///     status: 503       # one kind per fault: status (with error: or body:), latency, hang,
///                       # drop, rate_limit, processing_error
/// ```
public enum ScenarioLoader {
    private static let commonKeys: Set<String> = ["after", "for", "region", "model", "endpoint", "probability"]
    private static let kindKeys: Set<String> = ["status", "error", "body", "latency", "hang", "drop",
                                                "rate_limit", "processing_error"]

    /// Loads and validates a scenario file.
    public static func load(path: String) throws -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SimulatorError("scenario \(path): cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    /// Parses scenario YAML text; `file` is used in messages.
    public static func parse(_ text: String, file: String = "scenario") throws -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw SimulatorError("\(file): not valid YAML: \(first)")
        }
        guard let root, let top = root.mapping else {
            throw SimulatorError("\(file): expected a mapping with `faults:` at the top")
        }
        var problems: [String] = []
        func problem(_ path: String, _ node: Node?, _ message: String) {
            let line = node?.mark.map { " (line \($0.line))" } ?? ""
            problems.append("\(file): \(path)\(line): \(message)")
        }
        var scenario = Scenario(name: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent, faults: [])
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "name": scenario.name = value.string ?? scenario.name
            case "description": scenario.description = value.string
            case "loop":
                if let b = value.bool { scenario.loop = b } else { problem("loop", value, "expected true or false") }
            case "period":
                if let d = duration(value), d > 0 { scenario.period = d } else {
                    problem("period", value, "\(quoted(value)) is not a positive duration (30s, 5m, 1h)")
                }
            case "faults":
                guard let list = value.sequence else { problem("faults", value, "expected a list"); continue }
                for (i, item) in list.enumerated() {
                    if let fault = parseFault(item, path: "faults[\(i)]", problem: problem) {
                        scenario.faults.append(fault)
                    }
                }
            default:
                problem(key, keyNode, "unknown key; expected name, description, loop, period, faults")
            }
        }
        if !problems.isEmpty { throw SimulatorError(problems.joined(separator: "\n")) }
        return scenario
    }

    private static func parseFault(_ node: Node, path: String,
                                   problem: (String, Node?, String) -> Void) -> Fault? {
        guard let map = node.mapping else { problem(path, node, "expected a mapping"); return nil }
        var fault = Fault(kind: .drop)
        var fields: [String: Node] = [:]
        var ok = true
        for (k, v) in map {
            let key = k.string ?? ""
            guard commonKeys.contains(key) || kindKeys.contains(key) else {
                problem("\(path).\(key)", k, "unknown key; expected one of "
                        + (commonKeys.union(kindKeys)).sorted().joined(separator: ", "))
                ok = false
                continue
            }
            fields[key] = v
        }
        func fail(_ key: String, _ message: String) { problem("\(path).\(key)", fields[key], message); ok = false }
        if let v = fields["after"] {
            if let d = duration(v), d >= 0 { fault.after = d } else { fail("after", "\(quoted(v)) is not a duration (30s, 5m, 1h)") }
        }
        if let v = fields["for"] {
            if let d = duration(v), d > 0 { fault.duration = d } else { fail("for", "\(quoted(v)) is not a positive duration") }
        }
        if let v = fields["region"] {
            if let r = v.string.flatMap({ SimRegion(rawValue: $0.lowercased()) }) { fault.region = r }
            else if v.string != "any" && v.string != "all" { fail("region", "\(quoted(v)) is not a region; expected us, eu or any") }
        }
        if let v = fields["model"] {
            if let s = v.string, !s.isEmpty { fault.model = s == "*" ? nil : s } else { fail("model", "expected a model id or glob") }
        }
        if let v = fields["endpoint"] {
            if let e = v.string.flatMap(SimEndpoint.init(rawValue:)) { fault.endpoint = e }
            else if v.string != "any" { fail("endpoint", "\(quoted(v)) is not an endpoint; expected chat, transcript, llmai or any") }
        }
        if let v = fields["probability"] {
            if let p = v.float, (0...1).contains(p) { fault.probability = p } else { fail("probability", "\(quoted(v)) is not a number from 0 to 1") }
        }
        let kinds = Set(fields.keys).intersection(["status", "error", "latency", "hang", "drop", "rate_limit", "processing_error"])
        let statusLike = kinds.isSubset(of: ["status", "error"]) && !kinds.isEmpty
        if !(statusLike || kinds.count == 1) {
            problem(path, node, kinds.isEmpty
                    ? "a fault needs one of status, error, latency, hang, drop, rate_limit, processing_error"
                    : "a fault has one kind; found \(kinds.sorted().joined(separator: ", "))")
            return nil
        }
        if fields["body"] != nil && !statusLike { fail("body", "body goes with status") }
        if statusLike {
            var code: Int?
            var seed: SeedError?
            if let v = fields["error"] {
                seed = v.string.flatMap(SeedError.init(rawValue:))
                if seed == nil {
                    fail("error", "\(quoted(v)) is not a known error; expected one of "
                         + SeedError.allCases.map(\.rawValue).joined(separator: ", "))
                }
            }
            if let v = fields["status"] {
                if let c = v.int, (200...599).contains(c) { code = c } else { fail("status", "\(quoted(v)) is not an HTTP status (200-599)") }
            }
            let body = fields["body"]?.string
            if seed == nil, body == nil, let code { seed = SeedError.forStatus(code) }
            if ok, seed == nil, body == nil {
                fail("status", "status \(code ?? 0) has no seed body; add error: or body:")
            }
            guard ok else { return nil }
            let status = code ?? seed.map { $0.defaultStatus(for: fault.endpoint ?? .chat) } ?? 500
            fault.kind = .status(code == nil ? 0 : status, error: seed, body: body)
        } else if let v = fields["latency"] {
            guard let d = latency(v) else {
                fail("latency", "\(quoted(v)) is not a latency; expected a duration, {min, max} or {median, p99}")
                return nil
            }
            fault.kind = .latency(d)
        } else if let v = fields["hang"] {
            if v.bool == true { fault.kind = .hang(nil) }
            else if let d = duration(v), d > 0 { fault.kind = .hang(d) }
            else { fail("hang", "expected true or a duration"); return nil }
        } else if let v = fields["drop"] {
            guard v.bool == true else { fail("drop", "expected true"); return nil }
            fault.kind = .drop
        } else if let v = fields["rate_limit"] {
            guard let n = v.int, n >= 0 else { fail("rate_limit", "\(quoted(v)) is not a request count (0 or more)"); return nil }
            fault.kind = .rateLimit(n)
        } else if let v = fields["processing_error"] {
            guard let p = v.string.flatMap(ProcessingFailure.init(rawValue:)) else {
                fail("processing_error", "\(quoted(v)) is not a processing error; expected one of "
                     + ProcessingFailure.allCases.map(\.rawValue).joined(separator: ", "))
                return nil
            }
            fault.kind = .processingError(p)
        }
        return ok ? fault : nil
    }

    /// `30s`, `1.5m`, or a bare number of seconds.
    private static func duration(_ node: Node) -> Double? {
        guard let s = node.string else { return nil }
        if let d = ConfigDuration.parse(s) { return d }
        if node.scalar != nil, let n = Double(s), n.isFinite { return n }
        return nil
    }

    private static func latency(_ node: Node) -> LatencyDistribution? {
        if node.scalar != nil { return duration(node).flatMap { $0 >= 0 ? .fixed($0) : nil } }
        guard let map = node.mapping else { return nil }
        var v: [String: Double] = [:]
        for (k, value) in map {
            guard let key = k.string, let d = duration(value), d >= 0 else { return nil }
            v[key] = d
        }
        switch Set(v.keys) {
        case ["min", "max"]:
            guard let lo = v["min"], let hi = v["max"], lo <= hi else { return nil }
            return .uniform(min: lo, max: hi)
        case ["median", "p99"]:
            guard let m = v["median"], let p = v["p99"], m > 0, p >= m else { return nil }
            return .logNormal(median: m, p99: p)
        default:
            return nil
        }
    }

    private static func quoted(_ node: Node) -> String {
        "\"\(node.string ?? "(not a scalar)")\""
    }
}
