import Foundation
import Yams

/// A mapping node being read: its YAML path and its entries by key (null values count as absent).
struct ConfigNodeMapping {
    let path: String
    fileprivate(set) var values: [String: Node] = [:]
    fileprivate(set) var present: Set<String> = []

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    subscript(key: String) -> Node? { values[key] }
    /// True when the key is written, even with a null value.
    func has(_ key: String) -> Bool { present.contains(key) }
}

/// Walks a composed YAML tree for one parse. Collects every problem with its YAML path and line,
/// and remembers the line of each path it visits so that model-level problems found later can be
/// located too. Owned by one parse on one thread; never shared.
final class ConfigNodeReader {
    private(set) var problems: [ConfigProblem] = []
    private var lines: [String: Int] = [:]

    /// Records a problem; the line is the recorded line of the path or of its nearest parent.
    func report(_ path: String, _ message: String) {
        problems.append(ConfigProblem(path: path, line: line(for: path), message: message))
    }

    func record(_ path: String, _ node: Node) {
        if lines[path] == nil, let line = node.mark?.line { lines[path] = line }
    }

    /// The line of `path`, else of its nearest recorded parent (`a.b[2].c` -> `a.b[2]` -> `a.b` -> `a`).
    func line(for path: String) -> Int? {
        var p = Substring(path)
        while true {
            if let l = lines[String(p)] { return l }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            p = p[..<cut]
        }
    }

    // MARK: Structure

    /// The mapping at `path`, reporting unknown keys (with the allowed ones). A null node reads as
    /// an empty mapping; any other kind is reported and gives nil.
    func mapping(_ node: Node, at path: String, allowed: [String],
                 notSupported: [String: String] = [:]) -> ConfigNodeMapping? {
        record(path, node)
        if isNull(node) { return ConfigNodeMapping(path: path) }
        guard case .mapping(let m) = node else {
            report(path, "expected a mapping, got \(describe(node))")
            return nil
        }
        var out = ConfigNodeMapping(path: path)
        for (keyNode, value) in m {
            guard case .scalar(let keyScalar) = keyNode else {
                if let l = keyNode.mark?.line {
                    problems.append(ConfigProblem(path: path, line: l, message: "keys must be plain strings, got \(describe(keyNode))"))
                }
                continue
            }
            let key = keyScalar.string
            let child = out.childPath(key)
            if let l = keyNode.mark?.line, lines[child] == nil { lines[child] = l }
            if let why = notSupported[key] {
                report(child, why)
                continue
            }
            guard allowed.contains(key) else {
                report(child, unknownKeyMessage(key, allowed: allowed))
                continue
            }
            out.present.insert(key)
            if !isNull(value) { out.values[key] = value }
        }
        return out
    }

    /// A mapping whose keys are free-form (headers, users): entries in file order, values as nodes.
    func freeMapping(_ node: Node, at path: String) -> [(key: String, value: Node, path: String)]? {
        record(path, node)
        if isNull(node) { return [] }
        guard case .mapping(let m) = node else {
            report(path, "expected a mapping, got \(describe(node))")
            return nil
        }
        var out: [(String, Node, String)] = []
        for (keyNode, value) in m {
            guard case .scalar(let keyScalar) = keyNode else { continue }
            let child = path.isEmpty ? keyScalar.string : "\(path).\(keyScalar.string)"
            if let l = keyNode.mark?.line, lines[child] == nil { lines[child] = l }
            out.append((keyScalar.string, value, child))
        }
        return out
    }

    /// The elements of the list under `key` with their paths (`probes[0]`); nil when absent,
    /// null or not a list (reported).
    func list(_ m: ConfigNodeMapping, _ key: String) -> [(node: Node, path: String)]? {
        guard let node = m[key] else { return nil }
        return list(node, at: m.childPath(key))
    }

    func list(_ node: Node, at path: String) -> [(node: Node, path: String)]? {
        guard case .sequence(let s) = node else {
            report(path, "expected a list, got \(describe(node))")
            return nil
        }
        return s.enumerated().map { i, element in
            let p = "\(path)[\(i)]"
            record(p, element)
            return (element, p)
        }
    }

    // MARK: Scalars

    /// A string scalar (any plain or quoted scalar, taken as written); nil when absent or wrong (reported).
    func string(_ m: ConfigNodeMapping, _ key: String) -> String? {
        guard let node = m[key] else { return nil }
        return string(node, at: m.childPath(key))
    }

    func string(_ node: Node, at path: String) -> String? {
        guard case .scalar(let s) = node else {
            report(path, "expected a string, got \(describe(node))")
            return nil
        }
        return s.string
    }

    func int(_ m: ConfigNodeMapping, _ key: String) -> Int? {
        guard let node = m[key] else { return nil }
        return int(node, at: m.childPath(key))
    }

    func int(_ node: Node, at path: String) -> Int? {
        guard node.resolvedTagName == .int else {
            report(path, "expected an integer, got \(describe(node))")
            return nil
        }
        guard let v = node.int else {
            report(path, "integer out of range")
            return nil
        }
        return v
    }

    func number(_ m: ConfigNodeMapping, _ key: String) -> Double? {
        guard let node = m[key] else { return nil }
        let name = node.resolvedTagName
        guard name == .int || name == .float, let v = node.float, v.isFinite else {
            report(m.childPath(key), "expected a number, got \(describe(node))")
            return nil
        }
        return v
    }

    func bool(_ m: ConfigNodeMapping, _ key: String) -> Bool? {
        guard let node = m[key] else { return nil }
        guard node.resolvedTagName == .bool, let v = node.bool else {
            report(m.childPath(key), "expected true or false, got \(describe(node))")
            return nil
        }
        return v
    }

    /// A duration in seconds (`30s`, `5m`, `1h30m`, `500ms`); nil when absent or invalid (reported).
    func duration(_ m: ConfigNodeMapping, _ key: String) -> Double? {
        guard let node = m[key] else { return nil }
        let path = m.childPath(key)
        guard case .scalar(let s) = node else {
            report(path, "expected a duration such as 30s, got \(describe(node))")
            return nil
        }
        if node.resolvedTagName == .int || node.resolvedTagName == .float, s.string != "0" {
            report(path, "invalid duration \(s.string): a number needs a unit (ms, s, m, h, d, w), for example \"\(s.string)s\"")
            return nil
        }
        guard let v = ConfigDuration.parse(s.string.trimmingCharacters(in: .whitespaces)) else {
            report(path, "invalid duration \"\(s.string)\": expected a number with a unit (ms, s, m, h, d, w), such as 500ms, 30s, 5m, 1h30m")
            return nil
        }
        return v
    }

    /// One of the raw values of `E`; nil when absent or invalid (reported with the allowed values).
    func enumeration<E: RawRepresentable & CaseIterable>(_ m: ConfigNodeMapping, _ key: String, _ type: E.Type) -> E?
    where E.RawValue == String {
        guard let raw = string(m, key) else { return nil }
        guard let v = E(rawValue: raw) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            report(m.childPath(key), "invalid value \"\(raw)\"; expected one of: \(allowed)")
            return nil
        }
        return v
    }

    /// A list of strings; nil when absent or wrong (reported).
    func stringList(_ m: ConfigNodeMapping, _ key: String) -> [String]? {
        guard let elements = list(m, key) else { return nil }
        var out: [String] = []
        for (node, path) in elements {
            if let s = string(node, at: path) { out.append(s) }
        }
        return out
    }

    // MARK: Helpers

    func isNull(_ node: Node) -> Bool {
        if case .scalar = node { return node.resolvedTagName == .null }
        return false
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch node.resolvedTagName {
            case .null: return "nothing (null)"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            default: return "a string"
            }
        }
    }

    private func unknownKeyMessage(_ key: String, allowed: [String]) -> String {
        var message = "unknown key \"\(key)\""
        if let near = allowed.min(by: { editDistance($0, key) < editDistance($1, key) }),
           editDistance(near, key) <= max(1, key.count / 3) {
            message += " (did you mean \"\(near)\"?)"
        }
        return message + "; allowed keys: " + allowed.joined(separator: ", ")
    }

    private func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}

extension Node {
    /// The resolved tag's name (`tag:yaml.org,2002:int` ...), comparable with `Tag.Name` constants.
    var resolvedTagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
