import Foundation
import Synchronization

/// One failed request as `/api/v1/failures` and the support bundle show it (CONTRACT section 6).
/// Text fields are already redacted; `body` is at most `RecentFailures.maxBodyBytes` UTF-8 bytes.
public struct FailureEntry: Sendable, Equatable, Codable {
    /// Unix seconds the request was sent; encoded as `time`, RFC 3339 UTC with milliseconds.
    public var time: Double
    public var provider: String
    public var region: String
    public var host: String?
    public var model: String
    /// nil when no response came back (transport failure).
    public var statusCode: Int?
    public var errorClass: ErrorClass
    public var reason: String
    public var requestID: String?
    /// The error body (or the transport error message), redacted and cut at 4 KiB.
    public var body: String
    /// `probe` or `log`.
    public var source: RecordSource
    /// The log source's name, or the probe's name.
    public var log: String?

    public init(time: Double, provider: String, region: String, host: String?, model: String, statusCode: Int?,
                errorClass: ErrorClass, reason: String, requestID: String?, body: String,
                source: RecordSource, log: String?) {
        self.time = time
        self.provider = provider
        self.region = region
        self.host = host
        self.model = model
        self.statusCode = statusCode
        self.errorClass = errorClass
        self.reason = reason
        self.requestID = requestID
        self.body = body
        self.source = source
        self.log = log
    }

    enum CodingKeys: String, CodingKey {
        case time, provider, region, host, model, reason, body, source, log
        case statusCode = "status_code"
        case errorClass = "class"
        case requestID = "request_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        time = try StatusReport.decodeTime(c, .time)
        provider = try c.decode(String.self, forKey: .provider)
        region = try c.decode(String.self, forKey: .region)
        host = try c.decodeIfPresent(String.self, forKey: .host)
        model = try c.decode(String.self, forKey: .model)
        statusCode = try c.decodeIfPresent(Int.self, forKey: .statusCode)
        let cls = try c.decode(String.self, forKey: .errorClass)
        guard let ec = ErrorClass(rawValue: cls) else {
            throw DecodingError.dataCorruptedError(forKey: .errorClass, in: c, debugDescription: "unknown class \(cls)")
        }
        errorClass = ec
        reason = try c.decode(String.self, forKey: .reason)
        requestID = try c.decodeIfPresent(String.self, forKey: .requestID)
        body = try c.decode(String.self, forKey: .body)
        let src = try c.decode(String.self, forKey: .source)
        guard let rs = RecordSource(rawValue: src) else {
            throw DecodingError.dataCorruptedError(forKey: .source, in: c, debugDescription: "unknown source \(src)")
        }
        source = rs
        log = try c.decodeIfPresent(String.self, forKey: .log)
    }

    /// Every key is always written; unknown values are `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(StatusReport.rfc3339(time, fractionDigits: 3), forKey: .time)
        try c.encode(provider, forKey: .provider)
        try c.encode(region, forKey: .region)
        try c.encode(host, forKey: .host)
        try c.encode(model, forKey: .model)
        try c.encode(statusCode, forKey: .statusCode)
        try c.encode(errorClass.rawValue, forKey: .errorClass)
        try c.encode(reason, forKey: .reason)
        try c.encode(requestID, forKey: .requestID)
        try c.encode(body, forKey: .body)
        try c.encode(source.rawValue, forKey: .source)
        try c.encode(log, forKey: .log)
    }
}

/// The `/api/v1/failures` answer: `{"failures": [...]}`, newest first.
public struct FailureList: Sendable, Equatable, Codable {
    public var failures: [FailureEntry]

    public init(failures: [FailureEntry]) { self.failures = failures }

    /// The JSON body (sorted keys).
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try e.encode(self)
    }
}

/// A bounded ring of the most recent failed requests (`limits.recent_failures`); the oldest
/// entry is overwritten once full.
///
/// Thread-safe: any thread may append or query.
///
/// Redaction is lazy: `append(record:classification:)` stores the entry's text as received,
/// with the redactor in force at that moment, and an entry is redacted (and its body cut to
/// `maxBodyBytes`) the first time a query reaches it; entries overwritten before any query
/// never pay for it (on a busy log most failures are). The cost: until then the unredacted text
/// (and any API key in it) sits in this process's memory, as it already did in the record it
/// came from; nothing ever leaves the ring unredacted.
public final class RecentFailures: Sendable {
    /// Bodies are cut to this many UTF-8 bytes (on a character boundary).
    public static let maxBodyBytes = 4096
    /// Bodies are cut to this many bytes before redaction, bounding its cost; the final cut is
    /// `maxBodyBytes` after redaction, so a key straddling the 4 KiB mark is never half-shown.
    static let preRedactionBytes = 64 * 1024

    public let capacity: Int
    private let redactorBox: Mutex<Redactor>
    private let ring: Mutex<Ring>

    /// - Parameter capacity: entries kept (values below 1 are taken as 1).
    public init(capacity: Int, redactor: Redactor) {
        self.capacity = max(1, capacity)
        self.redactorBox = Mutex(redactor)
        self.ring = Mutex(Ring(capacity: max(1, capacity)))
    }

    /// Replaces the redactor (a reload may change the configured keys); later entries use it.
    public func setRedactor(_ redactor: Redactor) {
        redactorBox.withLock { $0 = redactor }
    }

    /// Stores a failed request. `classification` is the one the classifier gave `record`.
    /// Redacted later, with the redactor in force now (see the type's comment).
    public func append(record: RequestRecord, classification: Classification) {
        let redactor = redactorBox.withLock { $0 }
        let raw = RawFailure(record: record, classification: classification)
        ring.withLock { $0.append(.raw(raw, redactor)) }
    }

    /// Stores an entry as given (already redacted).
    public func append(_ entry: FailureEntry) {
        ring.withLock { $0.append(.ready(entry)) }
    }

    /// The entry `append(record:classification:)` would store: redacted, body cut at 4 KiB.
    public func entry(record: RequestRecord, classification: Classification) -> FailureEntry {
        let redactor = redactorBox.withLock { $0 }
        return RecentFailures.redacted(RecentFailures.rawEntry(record: record, classification: classification),
                                       with: redactor)
    }

    /// The entry of a failed request before redaction: the body (or transport error) as received,
    /// cut at `preRedactionBytes`.
    static func rawEntry(record: RequestRecord, classification: Classification) -> FailureEntry {
        RawFailure(record: record, classification: classification).entry
    }

    /// A failed request as appended, before redaction: what its entry is made of, kept as the
    /// record had it (one reference for its labels, the body unread), so appending a failure
    /// that is overwritten before any query costs little. `entry` builds the entry.
    private struct RawFailure {
        let labels: RecordLabels
        let source: RecordSource
        let time: Double
        let statusCode: Int?
        let classification: Classification
        let requestID: String?
        let errorBody: ErrorBody?
        let transportFailure: TransportFailure?

        init(record: borrowing RequestRecord, classification: Classification) {
            labels = record.labels
            source = record.source
            time = record.startTime
            statusCode = record.statusCode
            self.classification = classification
            requestID = record.requestID
            errorBody = record.errorBody
            transportFailure = record.transportFailure
        }

        /// The entry, unredacted: the body (or transport error) cut at `preRedactionBytes`.
        var entry: FailureEntry {
            var raw: String
            if let body = errorBody {
                raw = body.text
            } else if let failure = transportFailure {
                switch failure {
                case .curl(let code, let message): raw = "curl error \(code): \(message)"
                case .message(let message): raw = message
                }
            } else {
                raw = ""
            }
            raw = RecentFailures.cut(raw, maxBytes: RecentFailures.preRedactionBytes)
            return FailureEntry(
                time: time, provider: labels.provider, region: labels.region, host: labels.host, model: labels.model,
                statusCode: statusCode.flatMap { $0 > 0 ? $0 : nil },
                errorClass: classification.errorClass, reason: classification.reason,
                requestID: requestID, body: raw, source: source, log: labels.origin)
        }
    }

    /// A raw entry redacted: host, request id and body; the body then cut at `maxBodyBytes`.
    static func redacted(_ raw: FailureEntry, with redactor: Redactor) -> FailureEntry {
        var e = raw
        e.host = raw.host.map(redactor.redact)
        e.requestID = raw.requestID.map(redactor.redact)
        e.body = RecentFailures.cut(redactor.redact(raw.body), maxBytes: RecentFailures.maxBodyBytes)
        return e
    }

    /// Matching entries, newest first (most recently appended first), at most `limit` (all when nil).
    /// Filters compare exactly; `since` keeps entries whose time is at or after it; `requestID`
    /// keeps the entries of that request.
    public func query(limit: Int? = nil, region: String? = nil, model: String? = nil,
                      errorClass: ErrorClass? = nil, since: Double? = nil, requestID: String? = nil) -> [FailureEntry] {
        let wanted = max(0, limit ?? Int.max)
        guard wanted > 0 else { return [] }
        return ring.withLock { ring in
            var out: [FailureEntry] = []
            out.reserveCapacity(min(wanted, ring.count))
            var i = 0
            while i < ring.count && out.count < wanted {
                let slot = ring.newestIndex(i)
                i += 1
                // Region, model, class and time are never redacted: filter before redacting.
                guard let peek = ring.slots[slot]?.unredacted else { continue }
                if let region, peek.region != region { continue }
                if let model, peek.model != model { continue }
                if let errorClass, peek.errorClass != errorClass { continue }
                if let since, !(peek.time >= since) { continue }
                let e = ring.redact(slot)
                if let requestID, e.requestID != requestID { continue }
                out.append(e)
            }
            return out
        }
    }

    /// Entries held (≤ capacity).
    public var count: Int { ring.withLock { $0.count } }

    /// `text` cut to at most `maxBytes` UTF-8 bytes without splitting a character.
    public static func cut(_ text: String, maxBytes: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > maxBytes else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: max(0, maxBytes))
        // Step back over continuation bytes (10xxxxxx) to a scalar boundary.
        while end > utf8.startIndex && (utf8[end] & 0xC0) == 0x80 { end = utf8.index(before: end) }
        return String(decoding: utf8[utf8.startIndex..<end], as: UTF8.self)
    }

    /// An entry as held: redacted, or as received with the redactor to apply.
    private enum Slot {
        case ready(FailureEntry)
        case raw(RawFailure, Redactor)

        /// The fields filters read (region, model, class, time), which redaction leaves alone.
        var unredacted: (region: String, model: String, errorClass: ErrorClass, time: Double) {
            switch self {
            case .ready(let e): return (e.region, e.model, e.errorClass, e.time)
            case .raw(let r, _): return (r.labels.region, r.labels.model, r.classification.errorClass, r.time)
            }
        }
    }

    /// Fixed-capacity ring; owned by `ring`.
    private struct Ring {
        var slots: [Slot?]
        var next = 0
        var count = 0

        init(capacity: Int) { slots = Array(repeating: nil, count: capacity) }

        mutating func append(_ e: Slot) {
            slots[next] = e
            next += 1
            if next == slots.count { next = 0 }
            if count < slots.count { count += 1 }
        }

        /// The slot of the i-th newest entry (0 = newest), i < count.
        func newestIndex(_ i: Int) -> Int {
            (next - 1 - i + 2 * slots.count) % slots.count
        }

        /// The redacted entry of an occupied slot, redacting it in place on first use.
        mutating func redact(_ idx: Int) -> FailureEntry {
            switch slots[idx] {
            case .ready(let e):
                return e
            case .raw(let r, let redactor):
                let done = RecentFailures.redacted(r.entry, with: redactor)
                slots[idx] = .ready(done)
                return done
            case nil:
                preconditionFailure("ring slot \(idx) read before written")
            }
        }
    }
}
