import Foundation
import GatewatchCore

/// Builds JSON text by hand, so bodies keep the exact key order and layout of the seeds
/// (JSONSerialization reorders keys and escapes `/`). Pure functions; any thread.
enum JSONText {
    /// A JSON string literal: escapes `"`, `\` and control characters only, as the seeds print them.
    static func quote(_ s: String) -> String { JSONLiteral.string(s) }

    /// `null` or a quoted string.
    static func quoteOrNull(_ s: String?) -> String {
        s.map(quote) ?? "null"
    }

    /// A number without a trailing `.0` when integral.
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded() == d && abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }

    /// A compact object from ordered (key, raw JSON value) pairs.
    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\(quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// A JSON `true`/`false` (JSONSerialization gives numbers and booleans the same bridged
    /// types; booleans are the ones with objCType "c").
    static func bool(_ value: Any?) -> Bool? {
        guard let n = value as? NSNumber, String(cString: n.objCType) == "c" else { return nil }
        return n.boolValue
    }

    /// A JSON integer (not a boolean, not a fraction).
    static func int(_ value: Any?) -> Int? {
        guard let n = value as? NSNumber, String(cString: n.objCType) != "c" else { return nil }
        let d = n.doubleValue
        guard d.rounded() == d, abs(d) < 1e15 else { return nil }
        return Int(d)
    }

    /// A JSON number (not a boolean).
    static func double(_ value: Any?) -> Double? {
        guard let n = value as? NSNumber, String(cString: n.objCType) != "c" else { return nil }
        return n.doubleValue
    }

    /// Parses a request body; nil when it is not JSON.
    static func parse(_ bytes: [UInt8]) -> Any? {
        guard !bytes.isEmpty else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }
}

/// A new request or transcript id: a lower-case UUID, as the seeds show them.
func newRequestID() -> String {
    UUID().uuidString.lowercased()
}
