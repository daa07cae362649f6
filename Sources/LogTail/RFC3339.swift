import GatewatchCore

/// Parses RFC 3339 timestamps (`2026-11-23T18:00:00.123Z`, `...+02:00`; `t`, `z` and a space
/// separator accepted) straight from bytes, without Foundation's formatters.
enum RFC3339 {
    /// Unix seconds, or nil when the text is not an RFC 3339 date-time.
    static func parse(_ p: UnsafePointer<UInt8>, _ start: Int, _ stop: Int) -> Double? {
        // A cursor of its own, not a local the helpers capture: captured, it lived in a box
        // with an exclusivity check per access (about 1,000 instructions a timestamp).
        var c = Cursor(p: p, k: start, stop: stop)
        guard let year = c.digits(4), c.byte(0x2D), let month = c.digits(2), c.byte(0x2D), let day = c.digits(2),
              c.byte(0x54) || c.byte(0x74) || c.byte(0x20),
              let hour = c.digits(2), c.byte(0x3A), let minute = c.digits(2), c.byte(0x3A), let second = c.digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var fraction = 0.0
        if c.byte(0x2E) {
            var scale = 0.1
            let fstart = c.k
            while c.k < stop, p[c.k] &- 0x30 < 10 {
                fraction += Double(p[c.k] &- 0x30) * scale
                scale /= 10
                c.k += 1
            }
            guard c.k > fstart else { return nil }
        }
        var offset = 0
        if c.byte(0x5A) || c.byte(0x7A) {
            offset = 0
        } else if c.k < stop, p[c.k] == 0x2B || p[c.k] == 0x2D {
            let sign = p[c.k] == 0x2D ? -1 : 1
            c.k += 1
            guard let oh = c.digits(2), c.byte(0x3A), let om = c.digits(2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard c.k == stop else { return nil }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Double(seconds) + fraction
    }

    private struct Cursor {
        let p: UnsafePointer<UInt8>
        var k: Int
        let stop: Int

        /// `n` decimal digits as a number, consumed; nil (the cursor where it failed) otherwise.
        @inline(__always)
        mutating func digits(_ n: Int) -> Int? {
            guard k + n <= stop else { return nil }
            var v = 0
            for _ in 0..<n {
                let d = p[k] &- 0x30
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
                k += 1
            }
            return v
        }

        /// Whether the next byte is `b`, consumed if so.
        @inline(__always)
        mutating func byte(_ b: UInt8) -> Bool {
            guard k < stop, p[k] == b else { return false }
            k += 1
            return true
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
