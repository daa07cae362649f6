/// A single-pass, allocation-free validating scanner over one JSON text (RFC 8259), used by
/// `LogLineDecoder`. Every method either consumes one grammatical element and leaves `i` after
/// it, or throws `.malformedJSON`. Nesting is tracked on an explicit bit stack, never on the
/// call stack, so any depth is safe. Strings are checked for well-formed UTF-8 and for raw
/// control characters (a NUL included).
///
/// The pointer is borrowed: valid only while the caller's buffer is (one `decode` call).
struct JSONScanner {
    let p: UnsafePointer<UInt8>
    let end: Int
    var i: Int = 0

    init(_ p: UnsafePointer<UInt8>, count: Int) {
        self.p = p
        self.end = count
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < end {
            let b = p[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
                i += 1
            } else {
                return
            }
        }
    }

    /// The byte at `i`, or 0 at the end (0 is never valid outside a string).
    @inline(__always)
    func peek() -> UInt8 {
        i < end ? p[i] : 0
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(LogRejection) {
        guard i < end, p[i] == byte else { throw .malformedJSON }
        i += 1
    }

    /// A string starting at `i` (the opening quote). Returns the content range and whether it
    /// holds escapes; `i` ends after the closing quote.
    @inline(__always)
    mutating func scanString() throws(LogRejection) -> (start: Int, end: Int, escaped: Bool) {
        try expect(0x22)
        let start = i
        var escaped = false
        // The position in a local while scanning: `i` is stored only when leaving or calling out.
        var k = i
        let p = self.p
        let end = self.end
        while k < end {
            // Eight bytes at a time while none is a quote, a backslash, a control or non-ASCII
            // byte. The bit tricks may flag a harmless byte, but only above a flagged special
            // one, so the lowest flag is the first special byte: skip to it.
            while k &+ 8 <= end {
                let w = UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let quote = w ^ (ones &* 0x22)
                let backslash = w ^ (ones &* 0x5C)
                let special = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                    | ((w &- ones &* 0x20) & ~w) | w) & (ones &* 0x80)
                if special != 0 {
                    k &+= special.trailingZeroBitCount >> 3
                    break
                }
                k &+= 8
            }
            guard k < end else { break }
            let b = p[k]
            if b == 0x22 {
                i = k &+ 1
                return (start, k, escaped)
            }
            if b >= 0x20 && b < 0x80 && b != 0x5C {
                k &+= 1
                continue
            }
            i = k
            if b == 0x5C {
                escaped = true
                try scanEscape()
            } else if b < 0x20 {
                throw .malformedJSON
            } else {
                try scanUTF8(b)
            }
            k = i
        }
        i = k
        throw .malformedJSON
    }

    /// A string of 1 to 15 ASCII digits without a leading zero (`"30"`, `"0"`) at `i`, valued
    /// (below 10^15, so exact as a Double too); `i` ends after its closing quote. nil (nothing
    /// consumed) for any other value. Such a string is what `scanString` accepts, and its
    /// number what `LogLineDecoder.numberText` gives (rate-limit headers are mostly written so).
    @inline(__always)
    mutating func quotedDigits() -> UInt64? {
        var k = i
        guard k < end, p[k] == 0x22 else { return nil }
        k &+= 1
        let first = k
        // One or two digits (rate-limit headers' usual values) a byte at a time.
        if end &- first >= 3 {
            let d0 = p[first] &- 0x30, d1 = p[first &+ 1] &- 0x30
            if d0 < 10 {
                if d1 == 0x22 &- 0x30 {
                    i = first &+ 2
                    return UInt64(d0)
                }
                if d1 < 10 && d0 != 0 && p[first &+ 2] == 0x22 {
                    i = first &+ 3
                    return UInt64(d0 &* 10 &+ d1)
                }
            }
        }
        // Up to 7 digits and the quote within the next 8 bytes: one word.
        if end &- first >= 8 {
            let x = UnsafeRawPointer(p + first).loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
            let n = JSONScanner.nonDigits(x).trailingZeroBitCount &>> 3
            if n < 8 {
                guard n > 0, p[first &+ n] == 0x22, n == 1 || UInt8(truncatingIfNeeded: x) != 0 else { return nil }
                i = first &+ n &+ 1
                return JSONScanner.eightDigits(x &<< UInt64(64 &- 8 &* n))
            }
        }
        var v: UInt64 = 0
        while k < end {
            let d = p[k] &- 0x30
            if d >= 10 { break }
            v = v &* 10 &+ UInt64(d)
            k &+= 1
        }
        let n = k &- first
        guard k < end, p[k] == 0x22, n > 0, n <= 15, p[first] != 0x30 || n == 1 else { return nil }
        i = k &+ 1
        return v
    }

    /// One escape sequence at `i` (the backslash).
    private mutating func scanEscape() throws(LogRejection) {
        guard i + 1 < end else { throw .malformedJSON }
        switch p[i + 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
            i += 2
        case 0x75:
            guard i + 5 < end, JSONScanner.hex4(p, i + 2) != nil else { throw .malformedJSON }
            i += 6
        default:
            throw .malformedJSON
        }
    }

    /// One multi-byte UTF-8 sequence whose lead byte `b` is at `i` (Unicode 15 table 3-7).
    private mutating func scanUTF8(_ b: UInt8) throws(LogRejection) {
        var length = 0
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; hi = 0x9F
        case 0xF0: length = 4; lo = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; hi = 0x8F
        default: throw .malformedJSON
        }
        guard i + length <= end else { throw .malformedJSON }
        let second = p[i + 1]
        guard second >= lo && second <= hi else { throw .malformedJSON }
        var k = 2
        while k < length {
            guard p[i + k] & 0xC0 == 0x80 else { throw .malformedJSON }
            k += 1
        }
        i += length
    }

    static func hex4(_ p: UnsafePointer<UInt8>, _ at: Int) -> UInt32? {
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = p[at + k]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c &- 0x30
            case 0x41...0x46: d = c &- 0x37
            case 0x61...0x66: d = c &- 0x57
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// A number at `i` per the JSON grammar; returns its range and whether it is an integer.
    mutating func scanNumber() throws(LogRejection) -> (start: Int, end: Int, integer: Bool) {
        let start = i
        if peek() == 0x2D { i += 1 }
        let first = peek()
        if first == 0x30 {
            i += 1
        } else if first >= 0x31 && first <= 0x39 {
            i += 1
            while i < end, p[i] &- 0x30 < 10 { i += 1 }
        } else {
            throw .malformedJSON
        }
        var integer = true
        if peek() == 0x2E {
            integer = false
            i += 1
            guard i < end, p[i] &- 0x30 < 10 else { throw .malformedJSON }
            while i < end, p[i] &- 0x30 < 10 { i += 1 }
        }
        let e = peek()
        if e == 0x65 || e == 0x45 {
            integer = false
            i += 1
            let sign = peek()
            if sign == 0x2B || sign == 0x2D { i += 1 }
            guard i < end, p[i] &- 0x30 < 10 else { throw .malformedJSON }
            while i < end, p[i] &- 0x30 < 10 { i += 1 }
        }
        return (start, i, integer)
    }

    /// A number at `i` per the JSON grammar and its value, in one pass: `scanNumber` then
    /// `double`, with the same result (the common forms are valued while scanned; others go
    /// through `double`).
    @inline(__always)
    mutating func scanDouble() throws(LogRejection) -> Double {
        if let value = shortDecimal() {
            return value
        }
        let start = i
        var k = i
        var negative = false
        if k < end && p[k] == 0x2D {
            negative = true
            k &+= 1
        }
        guard k < end else { throw .malformedJSON }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        let first = p[k]
        if first == 0x30 {
            k &+= 1
        } else if first &- 0x31 < 9 {
            let run = digitRun(&k, &mantissa)
            digits &+= run
        } else {
            throw .malformedJSON
        }
        if k < end && p[k] == 0x2E {
            k &+= 1
            guard k < end, p[k] &- 0x30 < 10 else { throw .malformedJSON }
            let run = digitRun(&k, &mantissa)
            digits &+= run
            exponent &-= run
        }
        var plain = true
        if k < end && (p[k] == 0x65 || p[k] == 0x45) {
            plain = false
            k &+= 1
            if k < end && (p[k] == 0x2B || p[k] == 0x2D) { k &+= 1 }
            guard k < end, p[k] &- 0x30 < 10 else { throw .malformedJSON }
            while k < end, p[k] &- 0x30 < 10 { k &+= 1 }
        }
        i = k
        // Up to 19 digits (leading zeros included) fit the mantissa; exponents within ±22 are
        // exact powers: then `double` computes exactly this.
        guard plain, digits <= 19, exponent >= -22 else { return double(start, k) }
        var value = Double(mantissa)
        if exponent < 0 { value /= JSONScanner.powersOf10[-exponent] }
        return negative ? -value : value
    }

    /// The commonest numbers in a few word operations: at `i`, 1 to 15 digits (the first not
    /// 0 unless it is alone), then either a byte that is neither a digit, `.` nor `e`/`E`, or
    /// a `.`, 1 to 7 digits (18 digits at most in all) and a byte that is neither a digit nor
    /// `e`/`E`; the text holding 16 bytes from `i` and 8 after the `.`. Valued as `scanDouble`
    /// values them (the digits as one integer, divided by the power of ten the fraction's
    /// length gives), `i` then after the number; nil (nothing consumed) otherwise.
    @inline(__always)
    mutating func shortDecimal() -> Double? {
        let i = self.i
        guard end &- i >= 16 else { return nil }
        let raw = UnsafeRawPointer(p + i)
        let lo = raw.loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
        let hi = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ 0x3030_3030_3030_3030
        let loFlags = JSONScanner.nonDigits(lo)
        let first = loFlags != 0 ? loFlags.trailingZeroBitCount &>> 3 : 8 &+ JSONScanner.nonDigits(hi).trailingZeroBitCount &>> 3
        // Digits up to the end of the 16 bytes (the number may go on), or none.
        guard first > 0, first < 16 else { return nil }
        // A leading zero is a number of its own ("0", "0.5"); "01" is `scanDouble`'s to judge.
        if first > 1 && UInt8(truncatingIfNeeded: lo) == 0 { return nil }
        // The integer part's digits to the top bytes of a word, zeros (leading zero digits) below.
        var mantissa = first <= 8
            ? JSONScanner.eightDigits(lo &<< UInt64(64 &- 8 &* first))
            : JSONScanner.eightDigits(lo) &* JSONScanner.integerPowersOf10[first &- 8]
                &+ JSONScanner.eightDigits(hi &<< UInt64(128 &- 8 &* first))
        let after = p[i &+ first]
        if after == 0x2E {
            let f = i &+ first &+ 1
            guard end &- f >= 8 else { return nil }
            let word = UnsafeRawPointer(p + f).loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
            let fraction = JSONScanner.nonDigits(word).trailingZeroBitCount &>> 3
            guard fraction > 0, fraction < 8, first &+ fraction <= 18, p[f &+ fraction] | 0x20 != 0x65 else { return nil }
            mantissa = mantissa &* JSONScanner.integerPowersOf10[fraction]
                &+ JSONScanner.eightDigits(word &<< UInt64(64 &- 8 &* fraction))
            self.i = f &+ fraction
            // Below 10^18, so below 2^63: the signed conversion (one instruction) gives the
            // same correctly rounded Double.
            return Double(Int64(bitPattern: mantissa)) / JSONScanner.powersOf10[fraction]
        }
        guard after | 0x20 != 0x65 else { return nil }
        self.i = i &+ first
        return Double(Int64(bitPattern: mantissa))
    }

    /// A high bit in each byte of `x` (a text word XOR `0x30` in each byte) that is not a
    /// digit's, and none in a digit's: a digit's byte is 0...9, with no high nibble, and none
    /// after adding 6 (within the byte: its top bit is kept apart, so nothing carries).
    @inline(__always)
    static func nonDigits(_ x: UInt64) -> UInt64 {
        (x | ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0
    }

    /// The value of eight digits' values (0...9) in the bytes of `v`, the lowest byte the most
    /// significant digit.
    @inline(__always)
    static func eightDigits(_ v: UInt64) -> UInt64 {
        var v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) &>> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32
    }

    /// The run of ASCII digits at `k`: appended to `mantissa` (`mantissa * 10 + digit` each,
    /// wrapping, as a byte loop would), `k` moved past it; returns its length. Eight bytes at a
    /// time while eight are left: the lowest byte flagged as not a digit ends the run (a flag
    /// is exact up to the first non-digit; nothing above it is used), and the digits below it
    /// are valued together.
    @inline(__always)
    func digitRun(_ k: inout Int, _ mantissa: inout UInt64) -> Int {
        let start = k
        var j = k
        while j &+ 8 <= end {
            let x = UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
            // A digit's byte is now 0...9: no high nibble, and none after adding 6.
            let flags = (x | (x &+ 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0
            let n = flags == 0 ? 8 : flags.trailingZeroBitCount &>> 3
            if n == 0 { break }
            // The n digits to the top bytes, zeros (leading zero digits) below: the first
            // digit is the most significant.
            var v = x &<< UInt64(64 &- 8 &* n)
            v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) &>> 8
            v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
            v = ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32
            mantissa = mantissa &* JSONScanner.integerPowersOf10[n] &+ v
            j &+= n
            if n < 8 {
                k = j
                return j &- start
            }
        }
        while j < end {
            let d = p[j] &- 0x30
            if d >= 10 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            j &+= 1
        }
        k = j
        return j &- start
    }

    /// A number at `i` written as 1 to 15 digits, the first not 0, with no fraction or
    /// exponent, valued (exactly: `scanDouble` gives the same as a Double); `i` ends after it.
    /// nil (nothing consumed) for any other text.
    @inline(__always)
    mutating func plainInteger() -> UInt64? {
        var k = i
        guard k < end, p[k] &- 0x31 < 9 else { return nil }
        var mantissa: UInt64 = 0
        let run = digitRun(&k, &mantissa)
        guard run <= 15 else { return nil }
        if k < end {
            let b = p[k]
            if b == 0x2E || b == 0x65 || b == 0x45 { return nil }
        }
        i = k
        return mantissa
    }

    /// `true`, `false` or `null` at `i`.
    mutating func scanLiteral() throws(LogRejection) -> Literal {
        // The first four bytes as one little-endian word: "true", "null", "fals" (then "e").
        guard end &- i >= 4 else { throw .malformedJSON }
        switch UnsafeRawPointer(p + i).loadUnaligned(as: UInt32.self) {
        case 0x6C6C_756E: i &+= 4; return .null
        case 0x6575_7274: i &+= 4; return .true
        case 0x736C_6166 where end &- i >= 5 && p[i &+ 4] == 0x65: i &+= 5; return .false
        default: throw .malformedJSON
        }
    }

    enum Literal { case `true`, `false`, null }

    /// Skips one complete value of any kind and depth at `i` (after whitespace), validating it.
    mutating func skipValue() throws(LogRejection) {
        var stack = BitStack()
        while true {
            // Parse the start of a value.
            skipWhitespace()
            switch peek() {
            case 0x7B: // {
                i += 1
                skipWhitespace()
                if peek() == 0x7D {
                    i += 1
                } else {
                    stack.push(true)
                    _ = try scanString()
                    skipWhitespace()
                    try expect(0x3A)
                    continue
                }
            case 0x5B: // [
                i += 1
                skipWhitespace()
                if peek() == 0x5D {
                    i += 1
                } else {
                    stack.push(false)
                    continue
                }
            case 0x22:
                _ = try scanString()
            case 0x74, 0x66, 0x6E:
                _ = try scanLiteral()
            default:
                _ = try scanNumber()
            }
            // A value is complete: close containers until one expects another element.
            while let inObject = stack.top {
                skipWhitespace()
                let b = peek()
                if b == 0x2C {
                    i += 1
                    if inObject {
                        skipWhitespace()
                        _ = try scanString()
                        skipWhitespace()
                        try expect(0x3A)
                    }
                    break
                }
                if (inObject && b == 0x7D) || (!inObject && b == 0x5D) {
                    i += 1
                    stack.pop()
                    continue
                }
                throw .malformedJSON
            }
            if stack.isEmpty {
                return
            }
        }
    }

    /// Decodes the string content `start..<stop` (escapes resolved; lone surrogates become U+FFFD).
    func string(_ start: Int, _ stop: Int, escaped: Bool) -> String {
        let raw = UnsafeBufferPointer(start: p + start, count: stop - start)
        if !escaped {
            return String(decoding: raw, as: UTF8.self)
        }
        var out = [UInt8]()
        out.reserveCapacity(stop - start)
        var k = start
        while k < stop {
            let b = p[k]
            if b != 0x5C {
                out.append(b)
                k += 1
                continue
            }
            let c = p[k + 1]
            k += 2
            switch c {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = JSONScanner.hex4(p, k) ?? 0xFFFD
                k += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    if k + 6 <= stop, p[k] == 0x5C, p[k + 1] == 0x75,
                       let low = JSONScanner.hex4(p, k + 2), low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        k += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                JSONScanner.appendUTF8(scalar, to: &out)
            default: out.append(c) // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension JSONScanner {
    /// Appends the UTF-8 form of a scalar value (not a surrogate; at most 0x10FFFF).
    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | v >> 6))
            out.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | v >> 12))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18 & 0x07))
            out.append(UInt8(0x80 | v >> 12 & 0x3F))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        }
    }

    /// The value of the number `start..<stop` (already validated by `scanNumber`). Exact for
    /// up to 19 significant digits with small exponents (the common case); other forms go
    /// through the standard library's correctly rounded parser. Huge values become ±infinity.
    func double(_ start: Int, _ stop: Int) -> Double {
        var k = start
        var negative = false
        if p[k] == 0x2D { negative = true; k += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        while k < stop, p[k] &- 0x30 < 10 {
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[k] &- 0x30)
                if mantissa != 0 { digits += 1 }
            } else {
                return slowDouble(start, stop)
            }
            k += 1
        }
        if k < stop, p[k] == 0x2E {
            k += 1
            while k < stop, p[k] &- 0x30 < 10 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[k] &- 0x30)
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                } else {
                    return slowDouble(start, stop)
                }
                k += 1
            }
        }
        if k < stop {
            // Exponent part: e[+-]digits
            k += 1
            var sign = 1
            if p[k] == 0x2D { sign = -1; k += 1 } else if p[k] == 0x2B { k += 1 }
            var e = 0
            while k < stop {
                e = e * 10 + Int(p[k] &- 0x30)
                if e > 400 { return slowDouble(start, stop) }
                k += 1
            }
            exponent += sign * e
        }
        var value: Double
        // Exact below 2^53; one more rounding (within an ulp) for 17-19 digit mantissas.
        if exponent >= -22 && exponent <= 22 {
            value = Double(mantissa)
            if exponent < 0 {
                value /= JSONScanner.powersOf10[-exponent]
            } else if exponent > 0 {
                value *= JSONScanner.powersOf10[exponent]
            }
        } else if mantissa == 0 {
            value = 0
        } else {
            return slowDouble(start, stop)
        }
        return negative ? -value : value
    }

    private func slowDouble(_ start: Int, _ stop: Int) -> Double {
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: stop - start), as: UTF8.self)
        return Double(text) ?? .nan
    }

    static let integerPowersOf10: [UInt64] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    static let powersOf10: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]
}

/// A stack of booleans (in an object: true; in an array: false) in a machine word up to
/// depth 64, spilling to an array beyond: skipping shallow values allocates nothing.
struct BitStack {
    private var bits: UInt64 = 0
    private var depth = 0
    private var spill: [Bool] = []

    var isEmpty: Bool { depth == 0 }

    var top: Bool? {
        if depth == 0 { return nil }
        if depth > 64 { return spill[depth - 65] }
        return bits & (1 << UInt64(depth - 1)) != 0
    }

    mutating func push(_ v: Bool) {
        if depth >= 64 {
            spill.append(v)
        } else if v {
            bits |= 1 << UInt64(depth)
        } else {
            bits &= ~(1 << UInt64(depth))
        }
        depth += 1
    }

    mutating func pop() {
        depth -= 1
        if depth >= 64 {
            spill.removeLast()
        }
    }
}
