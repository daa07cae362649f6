import Foundation
import GatewatchCore

/// The text `gatewatch probe` prints: per probe its result, status, class/reason, each phase,
/// the certificate expiry and the `X-RateLimit-*` headers; every key redacted. Pure.
public enum ProbeReport {
    /// Body bytes shown for a failed run.
    static let bodyPreview = 512

    public static func render(_ results: [ProbeResult], redactor: Redactor, now: Double = Date().timeIntervalSince1970) -> String {
        var out = ""
        for r in results {
            out += "\(r.probe)  \(r.kind.rawValue)  \(r.provider)/\(r.region)  \(r.url)\n"
            var line = "  result:     " + r.outcome.rawValue.uppercased()
            if let status = r.statusCode { line += "  status \(status)" } else if r.kind != .tls && r.outcome != .skipped { line += "  status none" }
            if let c = r.classification { line += "  class \(c.errorClass.rawValue)  reason \(c.reason)" }
            if let why = r.skipReason { line += "  (\(why))" }
            out += line + "\n"
            if case let .curl(code, message)? = r.transportFailure {
                out += "  error:      curl \(code): \(message)\n"
            } else if case let .message(message)? = r.transportFailure {
                out += "  error:      \(message)\n"
            }
            if r.outcome != .skipped {
                let phases = zip(ProbePhases.names, r.phases.values).map { "\($0) \(seconds($1))" }.joined(separator: "  ")
                out += "  phases:     \(phases)  total \(seconds(r.duration))\n"
            }
            if let expiry = r.certificateExpiry {
                let days = (expiry - now) / 86_400
                out += "  cert:       expires \(rfc3339(expiry)) (\(String(format: "%.1f", days)) days)\n"
            }
            let limits = r.rateLimitHeaders
            if !limits.isEmpty {
                out += "  ratelimit:  " + limits.map { "\($0.name): \($0.value)" }.joined(separator: "  ") + "\n"
            }
            if let id = r.record?.requestID { out += "  request_id: \(id)\n" }
            if !r.success && r.outcome != .skipped && !r.body.isEmpty {
                var body = String(r.body.prefix(bodyPreview))
                if body.count < r.body.count { body += "…" }
                body = body.replacingOccurrences(of: "\n", with: " ")
                out += "  body:       \(body)\n"
            }
        }
        let failed = results.filter { $0.outcome == .failure }.count
        out += "\(results.count) probe\(results.count == 1 ? "" : "s"), \(failed) failed\n"
        return redactor.redact(out)
    }

    /// 0 when every run succeeded (or was skipped), 2 when any failed (CONTRACT section 1).
    public static func exitCode(_ results: [ProbeResult]) -> Int32 {
        results.contains { $0.outcome == .failure } ? 2 : 0
    }

    static func seconds(_ s: Double) -> String { String(format: "%.4fs", s) }

    static func rfc3339(_ t: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return f.string(from: Date(timeIntervalSince1970: t))
    }
}
