/// Durations as the config writes them: one or more `<number><unit>` parts, units `ms`, `s`,
/// `m`, `h`, `d`, `w`, fractions allowed (`500ms`, `30s`, `1.5s`, `5m`, `1h30m`), and a bare `0`.
/// A leading `-` is accepted so that validation can say "must be positive" instead of "invalid".
public enum ConfigDuration {
    private static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800),
    ]

    /// The duration in seconds, or nil when `text` is not a duration.
    public static func parse(_ text: String) -> Double? {
        var s = Substring(text)
        var sign = 1.0
        if s.first == "-" { sign = -1; s = s.dropFirst() }
        if s == "0" { return 0 }
        guard !s.isEmpty else { return nil }
        var total = 0.0
        while !s.isEmpty {
            let number = s.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1,
                  number.first != ".", number.last != ".",
                  let value = Double(number) else { return nil }
            s = s.dropFirst(number.count)
            let unitText = s.prefix { $0.isASCII && $0.isLetter }
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            s = s.dropFirst(unitText.count)
            total += value * unit.seconds
        }
        return total.isFinite ? sign * total : nil
    }

    /// A short form for messages and examples: `500ms`, `30s`, `1h30m`, `1.5s`.
    public static func format(_ seconds: Double) -> String {
        if seconds == 0 { return "0s" }
        if seconds < 0 { return "-" + format(-seconds) }
        if seconds < 1 { return "\(trim(seconds * 1000))ms" }
        if seconds.rounded() != seconds || seconds >= 1e15 { return "\(trim(seconds))s" }
        var rest = Int(seconds)
        var out = ""
        for (suffix, size) in [("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(suffix)"
            rest %= size
        }
        return out
    }

    private static func trim(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
