#if canImport(Glibc)
import Glibc
#endif
import GatewatchCore

/// Turns one JSON line of a log source into a `RequestRecord` (CONTRACT section 6), or says why
/// it cannot: a single validating pass over the bytes, no intermediate JSON tree.
///
/// Field names come from the source's `fields:`. Unknown fields are skipped (validated, any
/// depth). A line that is not one JSON object is `malformed_json`; a known field with an unusable
/// value is `invalid_value`; neither a status nor an error is `missing_field`.
///
/// Not thread-safe (it keeps small caches of recent strings): one decoder per thread.
public final class LogLineDecoder {
    private enum Field: UInt8 {
        case timestamp, region, model, status, requestID, error, latencyMs, headers
        case durationSeconds, finishReason, provider, url
    }

    private let source: LogSourceConfig
    /// The field names' bytes, back to back; spans index into it. Raw storage: no
    /// reference counting or exclusivity checks on the per-key path.
    private let keyBytes: UnsafeMutableBufferPointer<UInt8>
    private let keySpans: UnsafeMutableBufferPointer<KeySpan>
    private let keyStrings: [(String, Field)]
    private let strings = StringCache()
    private let labelsCache = LabelsCache()
    /// Key order learnt from earlier lines: `follow[k]` is the key that came after key `k`
    /// last time (`follow[count]`: the first key), `follow[count + 1]` the key just matched.
    /// Raw storage: no exclusivity checks per key.
    private let follow: UnsafeMutablePointer<Int>

    private struct KeySpan {
        var start: Int
        var count: Int
        var field: Field
        /// Non-empty, with no byte that JSON writes escaped: its JSON form is its bytes.
        var plain: Bool
    }

    public init(source: LogSourceConfig) {
        self.source = source
        let f = source.fields
        let pairs: [(String, Field)] = [
            (f.timestamp, .timestamp), (f.region, .region), (f.model, .model), (f.status, .status),
            (f.requestID, .requestID), (f.error, .error), (f.latencyMs, .latencyMs), (f.headers, .headers),
            (f.durationSeconds, .durationSeconds), (f.finishReason, .finishReason),
            (f.provider, .provider), (f.url, .url),
        ]
        var bytes: [UInt8] = []
        var spans: [KeySpan] = []
        for (name, field) in pairs {
            let plain = !name.isEmpty && !name.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
            spans.append(KeySpan(start: bytes.count, count: name.utf8.count, field: field, plain: plain))
            bytes.append(contentsOf: name.utf8)
        }
        keyBytes = .allocate(capacity: max(1, bytes.count))
        _ = keyBytes.initialize(from: bytes)
        keySpans = .allocate(capacity: spans.count)
        _ = keySpans.initialize(from: spans)
        keyStrings = pairs
        follow = .allocate(capacity: spans.count + 2)
        follow.initialize(repeating: 0, count: spans.count + 2)
        for k in 0..<spans.count { follow[k] = k + 1 }
        follow[spans.count + 1] = spans.count
    }

    deinit {
        keyBytes.deallocate()
        keySpans.deallocate()
        follow.deallocate()
        template.deallocate()
        headerTemplate.deallocate()
    }

    /// The previous line's bytes between its members' values, with the fields their keys name.
    private let template = MemberTemplate<Field?>(empty: nil)

    /// The last few regions and models with their bytes (a log's lines mostly take turns
    /// among a handful of each), and the previous line's finish reason (mostly the same again).
    private let recentRegions = RecentValues<StringCache.Entry>(slots: 8)
    private let recentModels = RecentValues<StringCache.Entry>(slots: 8)
    private let recentProviders = RecentValues<StringCache.Entry>(slots: 2)
    private let recentFinishReasons = RecentValues<FinishReason>(slots: 1)
    /// The last few `error` strings and objects (a log's failures repeat a handful of bodies),
    /// with their text.
    private let recentErrors = RecentValues<String>(slots: 16, maxLength: 256)

    /// The previous headers object's bytes between its members' values, with the
    /// `X-RateLimit-*` kinds their names have.
    private let headerTemplate = MemberTemplate<RateLimitBuilder.Kind?>(empty: nil)

    /// Decodes one line (without its newline; a trailing `\r` is whitespace). `now` is the
    /// record's time when the line has no timestamp.
    public func decode(_ line: UnsafeBufferPointer<UInt8>, now: Double) -> Result<RequestRecord, LogRejection> {
        var result: Result<RequestRecord, LogRejection> = .failure(.malformedJSON)
        if let reason = decode(line, now: now, into: { result = .success($0.owned()) }) {
            result = .failure(reason)
        }
        return result
    }

    /// The fast form: hands the record to `sink` and returns nil, or returns why the line was
    /// rejected. The record borrows `line` (its request id and headers): a sink that keeps it
    /// keeps `record.owned()`.
    @inline(__always)
    public func decode(_ line: UnsafeBufferPointer<UInt8>, now: Double, into sink: (RequestRecord) -> Void) -> LogRejection? {
        guard var base = line.baseAddress, line.count > 0 else { return .malformedJSON }
        var count = line.count
        // A UTF-8 byte order mark (the first line of a file some Windows tools write).
        if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            base += 3
            count -= 3
        }
        var s = JSONScanner(base, count: count)
        do {
            return try decodeObject(&s, now: now, sink)
        } catch {
            return error
        }
    }

    /// Whether `bytes` hold exactly one JSON value (surrounding whitespace allowed).
    public static func isJSON(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return false }
        var s = JSONScanner(base, count: bytes.count)
        guard (try? s.skipValue()) != nil else { return false }
        s.skipWhitespace()
        return s.i == s.end
    }

    /// Convenience for tests and tools.
    public func decode(_ line: String, now: Double) -> Result<RequestRecord, LogRejection> {
        var copy = line
        return copy.withUTF8 { decode($0, now: now) }
    }

    @inline(__always)
    private func field(_ s: JSONScanner, _ key: (start: Int, end: Int, escaped: Bool)) -> Field? {
        let n = key.end - key.start
        if key.escaped {
            let name = s.string(key.start, key.end, escaped: true)
            return keyStrings.first { $0.0 == name }?.1
        }
        let kb = keyBytes.baseAddress.unsafelyUnwrapped
        let q = s.p + key.start
        // Lines of one log list their keys in the same order: try the one that followed the
        // previous key last time first.
        let count = keySpans.count
        let previous = follow[count + 1]
        var j = follow[previous]
        for _ in 0..<count {
            if j >= count { j = 0 }
            let span = keySpans[j]
            if span.count == n && bytesEqual(kb + span.start, q, n) {
                follow[previous] = j
                follow[count + 1] = j
                return span.field
            }
            j += 1
        }
        return nil
    }

    /// The key at `i` when it is, byte for byte, the one that followed the previous key last
    /// time (a log's lines list their keys in one order): matched without scanning it as a
    /// string first; `i` ends after its closing quote. nil (nothing consumed) otherwise.
    @inline(__always)
    private func predictedField(_ s: inout JSONScanner) -> Field? {
        let count = keySpans.count
        let previous = follow[count + 1]
        var j = follow[previous]
        if j >= count { j = 0 }
        let span = keySpans[j]
        let n = span.count
        let i = s.i
        // The name is plain (no quote, backslash or control byte: `init`), so equal bytes
        // between two quotes are that string.
        guard span.plain, i + n + 1 < s.end, s.p[i] == 0x22, s.p[i + n + 1] == 0x22,
              bytesEqual(keyBytes.baseAddress.unsafelyUnwrapped + span.start, s.p + i + 1, n) else { return nil }
        s.i = i + n + 2
        follow[previous] = j
        follow[count + 1] = j
        return span.field
    }

    private func decodeObject(_ s: inout JSONScanner, now: Double, _ sink: (RequestRecord) -> Void) throws(LogRejection) -> LogRejection? {
        follow[keySpans.count + 1] = keySpans.count
        var invalid = false
        var timestamp: Double?
        // The region's and URL's strings with what they say (a host's endpoint, a region
        // code), from the string cache: one reference each, nothing copied per line.
        var region: StringCache.Entry?
        var model: StringCache.Entry?
        var status: Int?
        var requestID: String?
        // An unescaped request id stays in the line (most are never read).
        var borrowedID: BorrowedBytes?
        var errorBody: ErrorBody?
        var errorString: String?
        var hasError = false
        var latencyMs: Double?
        var durationSeconds: Double?
        // The last `headers` object's bytes (start, end); nil when absent, null or empty.
        var headerSpan: (Int, Int)?
        var rateLimit = RateLimitBuilder()
        var finish: FinishReason?
        var provider: StringCache.Entry?
        var url: StringCache.Entry?

        // `member`: the members read so far. Each loop reads the bytes from the end of the value
        // before (the start of the line for the first) to the start of the next value, through
        // the template when they repeat the previous line's, else by the grammar.
        var member = 0
        while true {
            let field: Field?
            if let known = template.match(&s, member) {
                field = known
            } else {
                let start = s.i
                s.skipWhitespace()
                if member == 0 {
                    try s.expect(0x7B)
                    s.skipWhitespace()
                    if s.peek() == 0x7D {
                        s.i += 1
                        break
                    }
                } else {
                    if s.peek() != 0x2C {
                        try s.expect(0x7D)
                        break
                    }
                    s.i += 1
                    s.skipWhitespace()
                }
                if let predicted = predictedField(&s) {
                    field = predicted
                } else {
                    let key = try s.scanString()
                    field = self.field(s, key)
                }
                s.skipWhitespace()
                try s.expect(0x3A)
                s.skipWhitespace()
                template.learn(s, member, from: start, field)
            }
            member &+= 1
            if let field {
                switch field {
                case .timestamp:
                    switch try value(&s) {
                    case .null: timestamp = nil
                    case .number(let v):
                        if v.isFinite && v >= 0 { timestamp = v > 1e11 ? v / 1000 : v } else { invalid = true }
                    case .string(let a, let b, let esc):
                        if !esc, let t = RFC3339.parse(s.p, a, b) {
                            timestamp = t
                        } else if let v = numberText(s, a, b), v.isFinite, v >= 0 {
                            timestamp = v > 1e11 ? v / 1000 : v
                        } else {
                            invalid = true
                        }
                    default: invalid = true
                    }
                case .region:
                    region = try optionalEntry(&s, &invalid, recentRegions)
                case .model:
                    model = try optionalEntry(&s, &invalid, recentModels)
                case .status:
                    if let n = s.plainInteger() {
                        // What the number case below gives for it.
                        if n <= 999 { status = Int(n) } else { invalid = true }
                        break
                    }
                    switch try value(&s) {
                    case .null: status = nil
                    case .number(let v):
                        if v >= 0 && v <= 999 && v == v.rounded(.down) { status = Int(v) } else { invalid = true }
                    case .string(let a, let b, _):
                        if let v = numberText(s, a, b), v >= 0 && v <= 999 && v == v.rounded(.down) {
                            status = Int(v)
                        } else {
                            invalid = true
                        }
                    default: invalid = true
                    }
                case .requestID:
                    let start = s.i
                    switch try value(&s) {
                    case .null: requestID = nil; borrowedID = nil
                    case .string(let a, let b, let esc):
                        if esc {
                            requestID = s.string(a, b, escaped: true)
                            borrowedID = nil
                        } else {
                            requestID = nil
                            borrowedID = BorrowedBytes(s.p + a, count: b - a)
                        }
                    case .number: requestID = raw(s, start, s.i); borrowedID = nil
                    default: invalid = true
                    }
                case .error:
                    let start = s.i
                    if let text = recentErrors.match(&s) {
                        hasError = true
                        if s.p[start] == 0x22 { errorBody = nil; errorString = text } else { errorString = nil; errorBody = .json(text) }
                        break
                    }
                    switch try value(&s) {
                    case .null, .false:
                        hasError = false; errorBody = nil; errorString = nil
                    case .string(let a, let b, let esc):
                        let text = s.string(a, b, escaped: esc)
                        recentErrors.keep(s.p + start, s.i - start, text)
                        hasError = true; errorBody = nil; errorString = text
                    case .container:
                        let text = String(decoding: UnsafeBufferPointer(start: s.p + start, count: s.i - start), as: UTF8.self)
                        if s.p[start] == 0x7B { recentErrors.keep(s.p + start, s.i - start, text) }
                        hasError = true; errorString = nil; errorBody = .json(text)
                    default: invalid = true
                    }
                case .latencyMs:
                    latencyMs = try optionalDuration(&s, &invalid)
                case .durationSeconds:
                    durationSeconds = try optionalDuration(&s, &invalid)
                case .headers:
                    if s.peek() == 0x7B {
                        rateLimit = RateLimitBuilder()
                        let start = s.i
                        headerSpan = try decodeHeaders(&s, rateLimit: &rateLimit) ? (start, s.i) : nil
                    } else if case .null = try value(&s) {
                        headerSpan = nil
                    } else {
                        invalid = true
                    }
                case .finishReason:
                    finish = try optionalFinish(&s, &invalid)
                case .provider:
                    provider = try optionalEntry(&s, &invalid, recentProviders)
                case .url:
                    switch try value(&s) {
                    case .null: url = nil
                    case .string(let a, let b, let esc):
                        if esc {
                            let text = s.string(a, b, escaped: true)
                            url = StringCache.Entry(string: text, isHostOrURL: true, endpoint: ProviderInference.endpoint(text))
                        } else {
                            url = strings.entry(s.p, a, b)
                        }
                    default: invalid = true
                    }
                }
            } else {
                try s.skipValue()
            }
        }
        s.skipWhitespace()
        guard s.i == s.end else { throw .malformedJSON }
        if invalid {
            return .invalidValue
        }
        if status == 0 { status = nil }
        guard status != nil || hasError else { return .missingField }

        let labels = labelsCache.labels(region: region, url: url, model: model, provider: provider) {
            self.labels(region: region, url: url, model: model,
                        provider: provider.flatMap { $0.string.isEmpty ? nil : $0.string })
        }

        var transportFailure: TransportFailure?
        if let errorString {
            if status == nil {
                transportFailure = .message(errorString)
            } else {
                errorBody = .text(errorString)
            }
        }
        let latency = latencyMs.map { $0 / 1000 } ?? durationSeconds
        // The line's values move into the record (`consume`): copied, each reference would be
        // retained for the record and released with the local.
        let record = RequestRecord(
            labels: consume labels, source: .log, statusCode: status, transportFailure: consume transportFailure,
            startTime: timestamp ?? now, latency: latency, requestID: consume requestID, borrowedRequestID: borrowedID,
            errorBody: consume errorBody, borrowedHeaders: headerSpan.map { BorrowedBytes(s.p + $0.0, count: $0.1 - $0.0) },
            parser: JSONHeaderText.self, rateLimit: rateLimit.build(s, strings), finish: consume finish)
        sink(record)
        return nil
    }

    /// Provider, region and host from the line's region, URL and provider strings and the
    /// source's defaults.
    private func labels(region: StringCache.Entry?, url: StringCache.Entry?, model: StringCache.Entry?,
                        provider: String?) -> RecordLabels {
        // The entry whose endpoint applies: the region's when it is a host or URL, else the URL's.
        var hostEntry: StringCache.Entry?
        var regionCode: String?
        if let region {
            if region.isHostOrURL {
                if region.hasEndpoint { hostEntry = region }
            } else if !region.regionCode.isEmpty {
                regionCode = region.regionCode
            }
        }
        if hostEntry == nil, let url, url.hasEndpoint {
            hostEntry = url
        }
        // The line says first (code, then host or URL); the source's `region` is the default.
        let regionLabel = regionCode ?? hostEntry?.endpointRegion ?? source.region ?? "unknown"
        let providerLabel = provider ?? hostEntry?.endpointProvider ?? source.provider
        return RecordLabels(provider: providerLabel, region: regionLabel, host: hostEntry?.endpointHost,
                            model: model?.string ?? "", origin: source.name)
    }

    fileprivate enum Value {
        case null, `true`, `false`
        case number(Double)
        case string(Int, Int, Bool)
        case container
    }

    /// One value of any kind; containers are skipped (validated).
    @inline(__always)
    private func value(_ s: inout JSONScanner) throws(LogRejection) -> Value {
        try LogLineDecoder.scanValue(&s)
    }

    @inline(__always)
    fileprivate static func scanValue(_ s: inout JSONScanner) throws(LogRejection) -> Value {
        switch s.peek() {
        case 0x22:
            let r = try s.scanString()
            return .string(r.start, r.end, r.escaped)
        case 0x7B, 0x5B:
            try s.skipValue()
            return .container
        case 0x74, 0x66, 0x6E:
            switch try s.scanLiteral() {
            case .true: return .true
            case .false: return .false
            case .null: return .null
            }
        default:
            return .number(try s.scanDouble())
        }
    }

    /// A finish reason (or null), recognised by its bytes when it is the last line's.
    @inline(__always)
    private func optionalFinish(_ s: inout JSONScanner, _ invalid: inout Bool) throws(LogRejection) -> FinishReason? {
        if let same = recentFinishReasons.match(&s) {
            return same
        }
        switch try value(&s) {
        case .null: return nil
        case .string(let a, let b, let esc):
            let finish = FinishReason(s.string(a, b, escaped: esc))
            if !esc { recentFinishReasons.keep(s.p + (a - 1), b - a + 2, finish) }
            return finish
        default:
            invalid = true
            return nil
        }
    }

    /// A string value (or null) as its cache entry, recognised among `recent` by its bytes
    /// when it is one of them; an escaped string gets an entry of its own (never cached).
    @inline(__always)
    private func optionalEntry(_ s: inout JSONScanner, _ invalid: inout Bool, _ recent: RecentValues<StringCache.Entry>) throws(LogRejection) -> StringCache.Entry? {
        if let same = recent.match(&s) {
            return same
        }
        switch try value(&s) {
        case .null: return nil
        case .string(let a, let b, let esc):
            if esc {
                let text = s.string(a, b, escaped: true)
                let endpoint = ProviderInference.isHostOrURL(text) ? ProviderInference.endpoint(text) : nil
                return StringCache.Entry(string: text, isHostOrURL: endpoint != nil || ProviderInference.isHostOrURL(text),
                                         endpoint: endpoint)
            }
            let entry = strings.entry(s.p, a, b)
            recent.keep(s.p + (a - 1), b - a + 2, entry)
            return entry
        default:
            invalid = true
            return nil
        }
    }

    private func optionalDuration(_ s: inout JSONScanner, _ invalid: inout Bool) throws(LogRejection) -> Double? {
        // The common form first (finite and not negative: what the number case gives for it).
        if let v = s.shortDecimal() {
            return v
        }
        switch try value(&s) {
        case .null: return nil
        case .number(let v):
            if v.isFinite && v >= 0 { return v }
        case .string(let a, let b, _):
            if let v = numberText(s, a, b), v.isFinite, v >= 0 { return v }
        default: break
        }
        invalid = true
        return nil
    }

    /// A number written as a string (`"429"`, `" 41 "`), or nil.
    private func numberText(_ s: JSONScanner, _ a: Int, _ b: Int) -> Double? {
        // The common case, a short run of digits without a leading zero ("30", "0"): the
        // value scanDouble gives, without a scanner. (`a - 1` and `b` are the string's quotes.)
        var digits = s
        digits.i = a &- 1
        if let v = digits.quotedDigits(), digits.i == b &+ 1 { return Double(v) }
        var start = a, stop = b
        while start < stop, s.p[start] == 0x20 { start += 1 }
        while stop > start, s.p[stop - 1] == 0x20 { stop -= 1 }
        guard start < stop else { return nil }
        var inner = JSONScanner(s.p + start, count: stop - start)
        guard let v = try? inner.scanDouble(), inner.i == inner.end else { return nil }
        return v
    }

    private func raw(_ s: JSONScanner, _ start: Int, _ stop: Int) -> String {
        return String(decoding: UnsafeBufferPointer(start: s.p + start, count: stop - start), as: UTF8.self)
    }

    /// The `headers` object, validated: its `X-RateLimit-*` values go to `rateLimit`; the
    /// headers themselves are not built (the record keeps the object's bytes, see
    /// `JSONHeaderText`). Returns whether the object has any member.
    private func decodeHeaders(_ s: inout JSONScanner, rateLimit: inout RateLimitBuilder) throws(LogRejection) -> Bool {
        // As in `decodeObject`: the bytes up to each value through the template when they
        // repeat the previous headers object's, else by the grammar.
        var member = 0
        while true {
            let kind: RateLimitBuilder.Kind?
            if let known = headerTemplate.match(&s, member) {
                kind = known
            } else {
                let start = s.i
                if member == 0 {
                    try s.expect(0x7B)
                    s.skipWhitespace()
                    if s.peek() == 0x7D {
                        s.i += 1
                        return false
                    }
                } else {
                    s.skipWhitespace()
                    if s.peek() != 0x2C {
                        try s.expect(0x7D)
                        return true
                    }
                    s.i += 1
                    s.skipWhitespace()
                }
                let key = try s.scanString()
                // An escaped name is never a rate-limit header's (as `RateLimitHeaders(headers:)` reads them).
                kind = key.escaped ? nil : RateLimitBuilder.kind(s.p, key.start, key.end)
                s.skipWhitespace()
                try s.expect(0x3A)
                s.skipWhitespace()
                headerTemplate.learn(s, member, from: start, kind)
            }
            member &+= 1
            guard let kind else {
                _ = try value(&s)
                continue
            }
            // The rules of `RateLimitHeaders(headers:)` on the header's text (see `headerList`).
            if !kind.isText, let n = s.quotedDigits() {
                rateLimit.set(kind, integer: n)
                continue
            }
            let valueStart = s.i
            switch try value(&s) {
            case .null:
                break
            case .string(let a, let b, let esc):
                if kind.isText {
                    rateLimit.set(kind, text: .init(start: a, end: b, form: esc ? .escaped : .plain))
                } else {
                    rateLimit.set(kind, number: esc ? nil : numberText(s, a, b))
                }
            case .number(let n):
                if kind.isText { rateLimit.set(kind, text: .init(start: valueStart, end: s.i, form: .raw)) } else { rateLimit.set(kind, number: n) }
            default:
                if kind.isText { rateLimit.set(kind, text: .init(start: valueStart, end: s.i, form: .raw)) } else { rateLimit.set(kind, number: nil) }
            }
        }
    }

    /// The headers of a `headers` object's bytes (already validated).
    static func headerList(_ bytes: UnsafeBufferPointer<UInt8>) -> [HTTPHeader] {
        guard let base = bytes.baseAddress else { return [] }
        var s = JSONScanner(base, count: bytes.count)
        return (try? headerList(&s)) ?? []
    }

    /// The headers of a `headers` object (already validated): names as written; string values
    /// decoded, `null` ones left out, other values as raw JSON text.
    static func headerList(_ s: inout JSONScanner) throws(LogRejection) -> [HTTPHeader] {
        var headers: [HTTPHeader] = []
        try s.expect(0x7B)
        s.skipWhitespace()
        if s.peek() == 0x7D {
            return headers
        }
        while true {
            s.skipWhitespace()
            let key = try s.scanString()
            s.skipWhitespace()
            try s.expect(0x3A)
            s.skipWhitespace()
            let valueStart = s.i
            let v = try scanValue(&s)
            let name = s.string(key.start, key.end, escaped: key.escaped)
            switch v {
            case .null:
                break
            case .string(let a, let b, let esc):
                headers.append(HTTPHeader(name, s.string(a, b, escaped: esc)))
            default:
                headers.append(HTTPHeader(name, String(decoding: UnsafeBufferPointer(start: s.p + valueStart, count: s.i - valueStart),
                                                       as: UTF8.self)))
            }
            s.skipWhitespace()
            if s.peek() == 0x2C {
                s.i += 1
                continue
            }
            try s.expect(0x7D)
            return headers
        }
    }
}

/// A log line's `headers` object (validated), turned into `[HTTPHeader]` only when someone
/// reads `RequestRecord.headers` (nothing on the ingestion path does): the record keeps the
/// object's bytes (borrowed from the line while it is handed over, a String once a consumer
/// keeps `owned()`) and this type.
enum JSONHeaderText: HeaderTextParser {
    static func headers(_ bytes: UnsafeBufferPointer<UInt8>) -> [HTTPHeader] {
        LogLineDecoder.headerList(bytes)
    }
}

/// `X-RateLimit-*` values gathered while scanning headers, with `RateLimitHeaders(headers:)`'s
/// rules (case-insensitive names; nil unless Limit, Remaining and Reset are all numeric).
struct RateLimitBuilder {
    enum Kind: Int {
        case limit, remaining, reset, model, service

        /// Whether the header's text is kept (model, service) rather than its number.
        var isText: Bool { self == .model || self == .service }
    }
    var limit: Int?, remaining: Int?, reset: Double?
    /// Model and Service: where their text is in the line, made a String only by `build`
    /// (and only for a complete set): the builder holds no references, so copying and
    /// dropping it costs nothing.
    var model = TextRef(), service = TextRef()

    /// A header's text in the line: a string's content (`plain`, or `escaped` to decode) or
    /// the JSON text of another value (`raw`).
    struct TextRef {
        enum Form: UInt8 { case none, plain, escaped, raw }
        var start = 0, end = 0
        var form = Form.none

        /// The text (nil when empty or none), as `RateLimitHeaders(headers:)` keeps it.
        @inline(__always)
        func text(_ s: JSONScanner, _ strings: StringCache) -> String? {
            switch form {
            case .none:
                return nil
            case .plain:
                return start == end ? nil : strings.string(s.p, start, end)
            case .escaped:
                let text = s.string(start, end, escaped: true)
                return text.isEmpty ? nil : text
            case .raw:
                return start == end ? nil : String(decoding: UnsafeBufferPointer(start: s.p + start, count: end - start), as: UTF8.self)
            }
        }
    }

    /// The kind of a header name, compared ASCII case-insensitively.
    @inline(__always)
    static func kind(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> Kind? {
        let n = b - a
        guard n >= 17, n <= 21 else { return nil }
        // "x-ratelimit-" with letters lowercased by OR 0x20 ('-' is unchanged by it).
        let w0 = UnsafeRawPointer(p + a).loadUnaligned(as: UInt64.self) | 0x2020_2020_2020_2020
        let w1 = UnsafeRawPointer(p + a + 8).loadUnaligned(as: UInt32.self) | 0x2020_2020
        guard w0 == 0x696C_6574_6172_2D78, w1 == 0x2D74_696D, p[a + 1] == 0x2D, p[a + 11] == 0x2D else { return nil }
        let q = p + a + 12
        switch n - 12 {
        case 5:
            if equalsLowercase(q, "limit") { return .limit }
            if equalsLowercase(q, "reset") { return .reset }
            if equalsLowercase(q, "model") { return .model }
        case 7:
            if equalsLowercase(q, "service") { return .service }
        case 9:
            if equalsLowercase(q, "remaining") { return .remaining }
        default:
            break
        }
        return nil
    }

    /// Whether the bytes at `p` equal the lowercase ASCII `s`, ignoring the case of `p`'s letters.
    @inline(__always)
    static func equalsLowercase(_ p: UnsafePointer<UInt8>, _ s: StaticString) -> Bool {
        let q = s.utf8Start
        for k in 0..<s.utf8CodeUnitCount {
            let x = p[k]
            let lower = (x >= 0x41 && x <= 0x5A) ? x | 0x20 : x
            if lower != q[k] { return false }
        }
        return true
    }

    /// Limit, Remaining and Reset: a header's number (nil when its value is not one).
    @inline(__always)
    mutating func set(_ kind: Kind, number: Double?) {
        switch kind {
        case .limit: limit = number.flatMap { $0.isFinite && abs($0) < 1e15 ? Int($0) : nil }
        case .remaining: remaining = number.flatMap { $0.isFinite && abs($0) < 1e15 ? Int($0) : nil }
        case .reset: reset = number
        case .model, .service: break
        }
    }

    /// Limit, Remaining and Reset: a header's number when it is an integer below 10^15 (what
    /// `set(_:number:)` gives for `Double(n)`, without its checks).
    @inline(__always)
    mutating func set(_ kind: Kind, integer n: UInt64) {
        switch kind {
        case .limit: limit = Int(truncatingIfNeeded: n)
        case .remaining: remaining = Int(truncatingIfNeeded: n)
        case .reset: reset = Double(n)
        case .model, .service: break
        }
    }

    /// Model and Service: where a header's text is.
    @inline(__always)
    mutating func set(_ kind: Kind, text: TextRef) {
        switch kind {
        case .model: model = text
        case .service: service = text
        case .limit, .remaining, .reset: break
        }
    }

    /// The headers' values, with the texts made from `s`'s line.
    @inline(__always)
    func build(_ s: JSONScanner, _ strings: StringCache) -> RateLimitHeaders? {
        guard let limit, let remaining, let reset, limit >= 0, reset >= 0, reset.isFinite else { return nil }
        return RateLimitHeaders(limit: limit, remaining: remaining, resetSeconds: reset,
                                model: model.text(s, strings), service: service.text(s, strings))
    }
}

/// Recently seen strings (models, regions, hosts, header names) by their bytes, so a log that
/// repeats them does not allocate a new String per line; a host's inferred endpoint is kept
/// beside it. A two-way table in raw storage (no exclusivity checks on the hot path).
/// Not thread-safe.
final class StringCache {
    /// A string and what the decoder derives from it, made once per distinct string; immutable.
    final class Entry {
        let string: String
        let isHostOrURL: Bool
        /// Whether the string names a known endpoint (host or URL).
        let hasEndpoint: Bool
        /// The string as a region code (ASCII whitespace trimmed, lowercased); unused for hosts.
        let regionCode: String
        /// The endpoint's fields apart: reading one does not copy the others.
        let endpointHost: String?
        let endpointRegion: String?
        let endpointProvider: String?

        init(string: String, isHostOrURL: Bool, endpoint: ProviderInference.Endpoint?) {
            self.string = string
            self.isHostOrURL = isHostOrURL
            hasEndpoint = endpoint != nil
            regionCode = isHostOrURL ? "" : string.trimmingASCIIWhitespaceAndLowercased()
            endpointHost = endpoint?.host
            endpointRegion = endpoint?.region
            endpointProvider = endpoint?.provider
        }
    }

    /// Two ways per set (a string may sit in either slot of its pair), so two hot strings
    /// whose hashes meet do not evict each other on every line; enough sets that a log's
    /// hundred-odd recurring strings rarely put three in one.
    private static let slots = 2048
    private static let maxLength = 96
    private let bytes: UnsafeMutablePointer<UInt8>
    private let lengths: UnsafeMutablePointer<Int>
    private let entries: UnsafeMutablePointer<Entry>
    /// Per pair, the slot that hit last: a miss replaces the other.
    private let recent: UnsafeMutablePointer<Int>

    init() {
        bytes = .allocate(capacity: StringCache.slots * StringCache.maxLength)
        lengths = .allocate(capacity: StringCache.slots)
        lengths.initialize(repeating: -1, count: StringCache.slots)
        entries = .allocate(capacity: StringCache.slots)
        entries.initialize(repeating: Entry(string: "", isHostOrURL: false, endpoint: nil), count: StringCache.slots)
        recent = .allocate(capacity: StringCache.slots / 2)
        recent.initialize(repeating: 0, count: StringCache.slots / 2)
    }

    deinit {
        bytes.deallocate()
        lengths.deallocate()
        entries.deinitialize(count: StringCache.slots)
        entries.deallocate()
        recent.deallocate()
    }

    /// The string of these bytes. (Small ones too: a lookup costs less than validating and
    /// building even an inline String.)
    @inline(__always)
    func string(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> String {
        let slot = lookup(p, a, b)
        return slot < 0 ? String(decoding: UnsafeBufferPointer(start: p + a, count: b - a), as: UTF8.self) : entries[slot].string
    }

    /// The string of these bytes and whether it is a host or URL, with its endpoint. The same
    /// object for the same bytes while they stay cached.
    func entry(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> Entry {
        let slot = lookup(p, a, b)
        return slot < 0 ? StringCache.make(p + a, b - a) : entries[slot]
    }

    /// The slot now holding these bytes; -1 for strings too long to cache.
    @inline(__always)
    private func lookup(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> Int {
        let n = b - a
        let q = p + a
        if n > StringCache.maxLength {
            return -1
        }
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        if n >= 8 {
            h ^= UnsafeRawPointer(q).loadUnaligned(as: UInt64.self)
            h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
            h ^= UnsafeRawPointer(q + n - 8).loadUnaligned(as: UInt64.self)
        } else {
            for k in 0..<n { h = (h ^ UInt64(q[k])) &* 0x100_0000_01B3 }
        }
        h = (h ^ (h >> 31)) &* 0x94D0_49BB_1331_11EB
        let pair = Int(truncatingIfNeeded: (h >> 32) % UInt64(StringCache.slots / 2))
        for way in 0..<2 {
            let slot = 2 &* pair &+ way
            if lengths[slot] == n && bytesEqual(bytes + slot * StringCache.maxLength, q, n) {
                recent[pair] = way
                return slot
            }
        }
        let way = 1 &- recent[pair]
        let slot = 2 &* pair &+ way
        (bytes + slot * StringCache.maxLength).update(from: q, count: n)
        lengths[slot] = n
        entries[slot] = StringCache.make(q, n)
        recent[pair] = way
        return slot
    }

    private static func make(_ q: UnsafePointer<UInt8>, _ n: Int) -> Entry {
        let string = String(decoding: UnsafeBufferPointer(start: q, count: n), as: UTF8.self)
        var host = false
        for k in 0..<n where q[k] == 0x2E || q[k] == 0x2F || q[k] == 0x3A {
            host = true
            break
        }
        return Entry(string: string, isHostOrURL: host, endpoint: host ? ProviderInference.endpoint(string) : nil)
    }
}

/// Whether `n` bytes at `x` and `y` are equal; a word at a time (the last word overlapping the
/// one before), inlined (short keys and values).
@inline(__always)
func bytesEqual(_ x: UnsafePointer<UInt8>, _ y: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    if n >= 8 {
        var k = 0
        while k &+ 8 < n {
            if UnsafeRawPointer(x + k).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(y + k).loadUnaligned(as: UInt64.self) {
                return false
            }
            k &+= 8
        }
        let last = n &- 8
        let a: UInt64 = UnsafeRawPointer(x + last).loadUnaligned(as: UInt64.self)
        let b: UInt64 = UnsafeRawPointer(y + last).loadUnaligned(as: UInt64.self)
        return a == b
    }
    if n >= 4 {
        let last = n &- 4
        let a0: UInt32 = UnsafeRawPointer(x).loadUnaligned(as: UInt32.self)
        let b0: UInt32 = UnsafeRawPointer(y).loadUnaligned(as: UInt32.self)
        let a1: UInt32 = UnsafeRawPointer(x + last).loadUnaligned(as: UInt32.self)
        let b1: UInt32 = UnsafeRawPointer(y + last).loadUnaligned(as: UInt32.self)
        return a0 == b0 && a1 == b1
    }
    var k = 0
    while k < n {
        if x[k] != y[k] { return false }
        k &+= 1
    }
    return true
}

extension String {
    func trimmingASCIIWhitespaceAndLowercased() -> String {
        if utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }) {
            return self
        }
        var bytes = Array(utf8)
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        var changed = start > 0 || bytes.count != utf8.count
        for k in start..<bytes.count where bytes[k] >= 0x41 && bytes[k] <= 0x5A {
            bytes[k] |= 0x20
            changed = true
        }
        return changed ? String(decoding: bytes[start...], as: UTF8.self) : self
    }
}

/// The bytes a JSON object's writer put between its members' values, by position, as the last
/// object read through it had them, with what each member's key says (`Tag`): for the first
/// member, from the start of the text to its value (whitespace, the opening brace, the key,
/// the colon, whitespace); for the others, from the end of the value before (whitespace, the
/// comma, the key, the colon, whitespace). A log writes its lines alike, so most members are
/// matched with a few word compares instead of being read element by element.
///
/// Equal bytes are the same elements: what `learn` keeps was read by the grammar, and what
/// `match` accepts is those bytes again, at the same kind of place (the start of the object,
/// or just after a value, which no byte of a separator can extend). `match` also wants a byte
/// after them that is not whitespace, so the value starts where the grammar would start it.
/// Raw storage: no exclusivity checks per member.
struct MemberTemplate<Tag> {
    static var slots: Int { 16 }
    static var maxLength: Int { 64 }
    let bytes: UnsafeMutablePointer<UInt8>
    /// 0: nothing kept at that position.
    let lengths: UnsafeMutablePointer<Int>
    let tags: UnsafeMutablePointer<Tag>

    init(empty: Tag) {
        bytes = .allocate(capacity: Self.slots * Self.maxLength)
        lengths = .allocate(capacity: Self.slots)
        lengths.initialize(repeating: 0, count: Self.slots)
        tags = .allocate(capacity: Self.slots)
        tags.initialize(repeating: empty, count: Self.slots)
    }

    func deallocate() {
        bytes.deallocate()
        lengths.deallocate()
        tags.deinitialize(count: Self.slots)
        tags.deallocate()
    }

    /// The tag of the `member`th member when the bytes at `i` are the kept ones, `i` then at
    /// its value; nil (nothing consumed) otherwise.
    @inline(__always)
    func match(_ s: inout JSONScanner, _ member: Int) -> Tag? {
        guard member < Self.slots else { return nil }
        let n = lengths[member]
        let i = s.i
        guard n > 0, n < s.end &- i, s.p[i &+ n] > 0x20,
              bytesEqual(bytes + member &* Self.maxLength, s.p + i, n) else { return nil }
        s.i = i &+ n
        return tags[member]
    }

    /// Keeps the bytes `start..<i` (just read by the grammar) for the `member`th member.
    @inline(__always)
    func learn(_ s: JSONScanner, _ member: Int, from start: Int, _ tag: Tag) {
        guard member < Self.slots else { return }
        let n = s.i &- start
        guard n <= Self.maxLength else {
            lengths[member] = 0
            return
        }
        (bytes + member &* Self.maxLength).update(from: s.p + start, count: n)
        lengths[member] = n
        tags[member] = tag
    }
}

/// A field's last few string or object values, with their JSON text and what the decoder made
/// of them (a String, or a cache entry), tried in turn: the next line's value, when its bytes
/// are one's text, is that without scanning it, validating it again or building its String.
/// (Only values the grammar accepted are kept, and a string or object ends at its own closing
/// quote or brace, so equal bytes are the same whole value.) A miss replaces the slots in turn.
/// Raw storage: no exclusivity checks.
final class RecentValues<Value> {
    let slots: Int
    /// The longest text kept.
    let maxLength: Int
    private let bytes: UnsafeMutablePointer<UInt8>
    /// -1: nothing kept in that slot.
    private let lengths: UnsafeMutablePointer<Int>
    /// Each text's last eight bytes (texts of eight or more): most misses fail on this word.
    private let tails: UnsafeMutablePointer<UInt64>
    private let values: UnsafeMutablePointer<Value?>
    /// The slot the next miss replaces.
    private var next = 0

    init(slots: Int, maxLength: Int = 96) {
        self.slots = slots
        self.maxLength = maxLength
        bytes = .allocate(capacity: slots * maxLength)
        lengths = .allocate(capacity: slots)
        lengths.initialize(repeating: -1, count: slots)
        tails = .allocate(capacity: slots)
        tails.initialize(repeating: 0, count: slots)
        values = .allocate(capacity: slots)
        values.initialize(repeating: nil, count: slots)
    }

    deinit {
        bytes.deallocate()
        lengths.deallocate()
        tails.deallocate()
        values.deinitialize(count: slots)
        values.deallocate()
    }

    /// The kept value whose text is the string or object at `i` (`i` then after it); nil
    /// (nothing consumed) otherwise.
    @inline(__always)
    func match(_ s: inout JSONScanner) -> Value? {
        let i = s.i
        let room = s.end &- i
        guard room > 1, s.p[i] == 0x22 || s.p[i] == 0x7B else { return nil }
        let q = s.p + i
        for k in 0..<slots {
            let n = lengths[k]
            if n > 0 && n <= room
                && (n < 8 || UnsafeRawPointer(q + (n &- 8)).loadUnaligned(as: UInt64.self) == tails[k])
                && bytesEqual(bytes + k &* maxLength, q, n) {
                s.i = i &+ n
                return values[k]
            }
        }
        return nil
    }

    /// Keeps the text of a string or object value the grammar just accepted (`n` bytes at
    /// `q`, quotes or braces included) and its value.
    @inline(__always)
    func keep(_ q: UnsafePointer<UInt8>, _ n: Int, _ value: Value) {
        guard n <= maxLength else { return }
        let k = next
        next = k == slots &- 1 ? 0 : k &+ 1
        (bytes + k &* maxLength).update(from: q, count: n)
        lengths[k] = n
        if n >= 8 { tails[k] = UnsafeRawPointer(q + (n &- 8)).loadUnaligned(as: UInt64.self) }
        values[k] = value
    }
}
