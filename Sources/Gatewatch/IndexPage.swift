import Foundation
import GatewatchCore

/// The small HTML page at `/`: version, links to the other endpoints, the status table.
enum IndexPage {
    static func render(report: StatusReport, telemetryPath: String) -> String {
        var rows = ""
        for r in report.regions {
            let probes = r.probes.map { p in
                "\(escape(p.name)): " + (p.success ? "ok" : "<b>failing \(escape(p.errorClass ?? ""))/\(escape(p.reason ?? ""))</b>")
            }.joined(separator: ", ")
            rows += "<tr><td>\(escape(r.provider))</td><td>\(escape(r.region))</td><td>\(r.up ? "up" : "<b>down</b>")</td>"
            rows += "<td>\(String(format: "%.1f%%", r.errorRatio5m * 100))</td>"
            rows += "<td>\(r.latencyP95_5mSeconds.map { String(format: "%.2fs", $0) } ?? "-")</td><td>\(probes.isEmpty ? "-" : probes)</td></tr>\n"
        }
        let reasons = report.reasons.map { "<li>\(escape($0))</li>" }.joined()
        return """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>gatewatch</title>
        <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style>
        </head><body>
        <h1>gatewatch \(escape(GatewatchModule.version))</h1>
        <p>Prometheus exporter and health monitor for LLM and speech API gateways.</p>
        <ul>
        <li><a href="\(escape(telemetryPath))">\(escape(telemetryPath))</a>: metrics</li>
        <li><a href="api/v1/status">/api/v1/status</a>: health summary (JSON)</li>
        <li><a href="api/v1/failures">/api/v1/failures</a>: recent failed requests (JSON)</li>
        <li><a href="-/healthy">/-/healthy</a>, <a href="-/ready">/-/ready</a></li>
        </ul>
        <h2>Status: \(escape(report.status.rawValue))</h2>
        <ul>\(reasons)</ul>
        <table><tr><th>provider</th><th>region</th><th>up</th><th>errors 5m</th><th>p95 5m</th><th>probes</th></tr>
        \(rows)</table>
        </body></html>

        """
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
