/// A growable byte buffer the encoders write into: no String interpolation, no per-sample
/// allocation. Owned by one render call; never shared between threads.
struct ByteBuffer {
    var bytes: [UInt8]

    init(reservingCapacity capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    @inline(__always)
    mutating func append(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(string: String) {
        var copy = string
        copy.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends the decimal digits of `value`.
    mutating func append(integer value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var v = value
        var index = start + digits - 1
        while v > 0 {
            bytes[index] = UInt8(ascii: "0") &+ UInt8(v % 10)
            v /= 10
            index -= 1
        }
    }

    /// Appends `value` as both exposition formats spell it: `+Inf`, `-Inf`, `NaN`, integers
    /// without a fraction (`42`), anything else as the shortest string that round-trips.
    mutating func append(double value: Double) {
        if value.isNaN {
            append("NaN")
        } else if value.isInfinite {
            append(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(.towardZero) && value.magnitude < 1e15 {
            if value < 0 {
                bytes.append(UInt8(ascii: "-"))
            }
            append(integer: UInt64(value.magnitude))
        } else {
            append(string: value.description)
        }
    }

    /// Appends a label value escaped per both formats: `\` → `\\`, `"` → `\"`, newline → `\n`.
    /// Every other byte (non-ASCII UTF-8 included) passes through unchanged.
    mutating func append(escapedLabelValue value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\n"): append("\\n")
            default: bytes.append(byte)
            }
        }
    }

    /// Appends HELP text: `\` and newline escaped always, `"` only when `escapeQuotes`
    /// (OpenMetrics escapes it, text 0.0.4 must not).
    mutating func append(escapedHelp help: String, escapeQuotes: Bool) {
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\"") where escapeQuotes: append("\\\"")
            default: bytes.append(byte)
            }
        }
    }
}

extension ByteBuffer {
    /// `{a="x",b="y"}` for the given names and values, or nothing when there are no labels.
    /// With `extra`, the block stays open for one more label named `extra`: `{a="x",le="` / `{le="`.
    static func labelBlock(names: [String], values: [String], openWith extra: String? = nil) -> [UInt8] {
        var buffer = ByteBuffer(reservingCapacity: 64)
        if names.isEmpty && extra == nil {
            return []
        }
        buffer.append(UInt8(ascii: "{"))
        for (index, name) in names.enumerated() {
            if index > 0 {
                buffer.append(UInt8(ascii: ","))
            }
            buffer.append(string: name)
            buffer.append("=\"")
            buffer.append(escapedLabelValue: values[index])
            buffer.append(UInt8(ascii: "\""))
        }
        if let extra {
            if !names.isEmpty {
                buffer.append(UInt8(ascii: ","))
            }
            buffer.append(string: extra)
            buffer.append("=\"")
        } else {
            buffer.append(UInt8(ascii: "}"))
        }
        return buffer.bytes
    }
}
