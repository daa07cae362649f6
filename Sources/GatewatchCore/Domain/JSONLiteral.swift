/// Writing JSON by hand (log lines, request bodies, the simulator's seed-shaped bodies), where
/// the key order and layout must be exactly ours: JSONSerialization reorders keys and escapes `/`.
public enum JSONLiteral {
    /// A JSON string literal: escapes `"`, `\` and control characters only.
    public static func string(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
