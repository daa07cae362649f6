import Foundation

/// `gatewatch support-bundle`: the recent failed requests in the form AssemblyAI support asks for
/// (request_id, model, region and host, RFC 3339 UTC timestamp, status code, full error body).
/// Bodies come from `/api/v1/failures`, already redacted by the exporter.
public enum SupportBundle {
    /// Formats a `/api/v1/failures` answer; nil when the body is not that document.
    /// `since` (seconds) keeps failures newer than `now - since`; `requestID` keeps that one only.
    public static func format(_ body: [UInt8], since: Double?, requestID: String?, now: Date = Date()) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let failures = object["failures"] as? [[String: Any]] else { return nil }
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        let selected = failures.filter { f in
            if let requestID, (f["request_id"] as? String) != requestID { return false }
            if let since, let t = f["time"] as? String,
               let date = parser.date(from: t) ?? plain.date(from: t),
               date < now.addingTimeInterval(-since) { return false }
            return true
        }
        var out = "gatewatch support bundle, generated \(plain.string(from: now))\n"
        out += "\(selected.count) failed request(s)"
        if let since { out += " in the last \(Int(since))s" }
        if let requestID { out += " with request_id \(requestID)" }
        out += "\n"
        for f in selected {
            out += "\n---\n"
            let region = f["region"] as? String ?? ""
            let host = f["host"] as? String
            out += "request_id:  \(f["request_id"] as? String ?? "(none)")\n"
            out += "model:       \(f["model"] as? String ?? "")\n"
            out += "region:      \(region)\(host.map { " (\($0))" } ?? "")\n"
            out += "timestamp:   \(f["time"] as? String ?? "")\n"
            let status = (f["status_code"] as? NSNumber).map { $0.stringValue } ?? "none (no response)"
            out += "status code: \(status)\n"
            out += "error:       \(f["class"] as? String ?? "")/\(f["reason"] as? String ?? "")\n"
            let origin = (f["log"] as? String).map { " \($0)" } ?? ""
            out += "source:      \(f["source"] as? String ?? "")\(origin)\n"
            out += "body:\n\(f["body"] as? String ?? "")\n"
        }
        return out
    }
}
