import GatewatchCore

/// Parses RFC 3339 timestamps (`2026-11-23T18:00:00.123Z`, `...+02:00`; `t`, `z` and a space
/// separator accepted) straight from bytes, without Foundation's formatters.
enum RFC3339 {
    /// Unix seconds, or nil when the text is not an RFC 3339 date-time.
    static func parse(_ p: UnsafePointer<UInt8>, _ start: Int, _ stop: Int) -> Double? {
        var k = start
        func digits(_ n: Int) -> Int? {
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
        func byte(_ b: UInt8) -> Bool {
            guard k < stop, p[k] == b else { return false }
            k += 1
            return true
        }
        guard let year = digits(4), byte(0x2D), let month = digits(2), byte(0x2D), let day = digits(2) else { return nil }
        guard k < stop, p[k] == 0x54 || p[k] == 0x74 || p[k] == 0x20 else { return nil }
        k += 1
        guard let hour = digits(2), byte(0x3A), let minute = digits(2), byte(0x3A), let second = digits(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var fraction = 0.0
        if byte(0x2E) {
            var scale = 0.1
            let fstart = k
            while k < stop, p[k] &- 0x30 < 10 {
                fraction += Double(p[k] &- 0x30) * scale
                scale /= 10
                k += 1
            }
            guard k > fstart else { return nil }
        }
        var offset = 0
        if byte(0x5A) || byte(0x7A) {
            offset = 0
        } else if k < stop, p[k] == 0x2B || p[k] == 0x2D {
            let sign = p[k] == 0x2D ? -1 : 1
            k += 1
            guard let oh = digits(2), byte(0x3A), let om = digits(2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard k == stop else { return nil }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Double(seconds) + fraction
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
