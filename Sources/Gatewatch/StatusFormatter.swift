import Foundation

/// Turns the `/api/v1/status` JSON into the `gatewatch status` table and its Nagios exit code:
/// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
public enum StatusFormatter {
    public enum Exit: Int32, Sendable {
        case ok = 0, warning = 1, critical = 2, unknown = 3

        var label: String {
            switch self {
            case .ok: return "OK"
            case .warning: return "WARNING"
            case .critical: return "CRITICAL"
            case .unknown: return "UNKNOWN"
            }
        }
    }

    /// The exit code a status string maps to; anything unexpected is UNKNOWN.
    public static func exit(for status: String?) -> Exit {
        switch status {
        case "ok": return .ok
        case "warning": return .warning
        case "critical": return .critical
        default: return .unknown
        }
    }

    /// Human output for a status document; a body that is not the expected JSON gives UNKNOWN.
    public static func format(_ body: [UInt8]) -> (text: String, exit: Exit) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let status = object["status"] as? String else {
            return ("GATEWATCH UNKNOWN - the exporter's answer is not a status document\n", .unknown)
        }
        let exit = exit(for: status)
        let reasons = object["reasons"] as? [String] ?? []
        var out = "GATEWATCH \(exit.label)"
        out += reasons.isEmpty ? " - all regions healthy\n" : " - \(reasons[0])\n"

        let regions = object["regions"] as? [[String: Any]] ?? []
        if !regions.isEmpty {
            var rows = [["PROVIDER", "REGION", "UP", "ERRORS 5M", "P95 5M", "PROBES"]]
            for r in regions {
                let probes = (r["probes"] as? [[String: Any]] ?? []).map { p -> String in
                    let name = p["name"] as? String ?? "?"
                    let ok = (p["success"] as? Bool) ?? false
                    return "\(name):\(ok ? "ok" : "FAIL")"
                }.joined(separator: " ")
                rows.append([
                    r["provider"] as? String ?? "",
                    r["region"] as? String ?? "",
                    (r["up"] as? Bool ?? false) ? "yes" : "NO",
                    percent(r["error_ratio_5m"]),
                    seconds(r["latency_p95_5m_seconds"]),
                    probes.isEmpty ? "-" : probes,
                ])
            }
            out += "\n" + table(rows)
        }
        let models = object["models"] as? [[String: Any]] ?? []
        if !models.isEmpty {
            var rows = [["PROVIDER", "REGION", "MODEL", "HEADROOM", "REMAINING", "LIMIT", "RESET AT"]]
            for m in models {
                rows.append([
                    m["provider"] as? String ?? "",
                    m["region"] as? String ?? "",
                    m["model"] as? String ?? "",
                    percent(m["headroom_ratio"]),
                    number(m["remaining"]),
                    number(m["limit"]),
                    m["reset_at"] as? String ?? "-",
                ])
            }
            out += "\n" + table(rows)
        }
        if reasons.count > 0 {
            out += "\nReasons:\n" + reasons.map { "  - \($0)\n" }.joined()
        }
        return (out, exit)
    }

    static func percent(_ v: Any?) -> String {
        guard let d = (v as? NSNumber)?.doubleValue else { return "-" }
        return String(format: "%.1f%%", d * 100)
    }

    static func seconds(_ v: Any?) -> String {
        guard let d = (v as? NSNumber)?.doubleValue else { return "-" }
        return String(format: "%.2fs", d)
    }

    static func number(_ v: Any?) -> String {
        guard let n = v as? NSNumber else { return "-" }
        return n.stringValue
    }

    /// Left-aligned columns separated by two spaces.
    static func table(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { col in rows.map { $0[col].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
