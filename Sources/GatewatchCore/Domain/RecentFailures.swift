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
/// Thread-safe: any thread may append or query; each call takes one lock.
///
/// Redaction is lazy: `append(record:classification:)` stores the entry's text as received,
/// and an entry is redacted (and its body cut to `maxBodyBytes`) with the redactor in force at
/// its append the first time a query reaches it; entries overwritten before any query never
/// pay for it (on a busy log most failures are). The cost: until then the unredacted text (and
/// any API key in it) sits in this process's memory, as it already did in the record it came
/// from; nothing ever leaves the ring unredacted.
///
/// Appending is the hot path (every failed log line), so a slot is a fixed record of plain
/// fields written in place: the record's labels object and the Strings it already had (body,
/// request id) are kept by reference, nothing is built until a query asks, and overwriting a
/// slot releases what it held without destroying an enum or an entry.
public final class RecentFailures: Sendable {
    /// Bodies are cut to this many UTF-8 bytes (on a character boundary).
    public static let maxBodyBytes = 4096
    /// Bodies are cut to this many bytes before redaction, bounding its cost; the final cut is
    /// `maxBodyBytes` after redaction, so a key straddling the 4 KiB mark is never half-shown.
    static let preRedactionBytes = 64 * 1024

    public let capacity: Int
    private let ring: Mutex<Ring>

    /// - Parameter capacity: entries kept (values below 1 are taken as 1).
    public init(capacity: Int, redactor: Redactor) {
        self.capacity = max(1, capacity)
        self.ring = Mutex(Ring(capacity: max(1, capacity), redactor: redactor))
    }

    /// Replaces the redactor (a reload may change the configured keys); later entries use it,
    /// entries appended before keep the one in force when they were.
    public func setRedactor(_ redactor: Redactor) {
        ring.withLock { $0.setRedactor(redactor) }
    }

    /// Stores a failed request. `classification` is the one the classifier gave `record`.
    /// Redacted later, with the redactor in force now (see the type's comment).
    public func append(record: RequestRecord, classification: Classification) {
        record.withRequestIDUTF8 { append(record: record, classification: classification, requestIDUTF8: $0) }
    }

    /// `append(record:classification:)` with the record's request id bytes lent by the caller
    /// (`RequestRecord.withRequestIDUTF8`): the recorder lends them to the errors counter's
    /// exemplar too. A short id is copied into the slot's own bytes, so a log line's record
    /// (which borrows its id from the line) makes no String of it.
    func append(record: borrowing RequestRecord, classification: Classification,
                requestIDUTF8 requestID: UnsafeBufferPointer<UInt8>?) {
        let (text, curlCode) = RecentFailures.failureText(record)
        let labels = record.labels
        let source = record.source
        let time = record.startTime
        let statusCode = RecentFailures.statusCode(record)
        let lent = LentBytes(bytes: requestID)
        ring.withLock { ring in
            ring.append(labels: labels, source: source, time: time, statusCode: statusCode,
                        classification: classification, requestID: lent.bytes, text: text, curlCode: curlCode)
        }
    }

    /// Stores an entry as given (already redacted).
    public func append(_ entry: FailureEntry) {
        ring.withLock { $0.append(redacted: entry) }
    }

    /// The entry `append(record:classification:)` would store: redacted, body cut at 4 KiB.
    public func entry(record: RequestRecord, classification: Classification) -> FailureEntry {
        let redactor = ring.withLock { $0.currentRedactor }
        return RecentFailures.redacted(RecentFailures.rawEntry(record: record, classification: classification),
                                       with: redactor)
    }

    /// The entry of a failed request before redaction: the body (or transport error) as received,
    /// cut at `preRedactionBytes`.
    static func rawEntry(record: RequestRecord, classification: Classification) -> FailureEntry {
        var slot = Slot()
        (slot.text, slot.curlCode) = failureText(record)
        slot.labels = record.labels
        slot.source = record.source
        slot.time = record.startTime
        slot.statusCode = statusCode(record)
        slot.classification = classification
        return slot.rawEntry(requestID: record.requestID)
    }

    /// What a slot keeps of a failure's text: the error body's, else the transport error's
    /// message with a probe's libcurl code apart (the entry's body reads "curl error N: ...").
    @inline(__always)
    private static func failureText(_ record: borrowing RequestRecord) -> (text: String?, curlCode: Int?) {
        if let body = record.errorBody { return (body.text, nil) }
        switch record.transportFailure {
        case .curl(let code, let message): return (message, code)
        case .message(let message): return (message, nil)
        case nil: return (nil, nil)
        }
    }

    /// The entry's status: nil when no response came back.
    @inline(__always)
    private static func statusCode(_ record: borrowing RequestRecord) -> Int? {
        record.statusCode.flatMap { $0 > 0 ? $0 : nil }
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
                let index = ring.newestIndex(i)
                i += 1
                // Region, model, class and time are never redacted: filter before redacting.
                let peek = ring.slots[index].unredacted
                if let region, peek.region != region { continue }
                if let model, peek.model != model { continue }
                if let errorClass, peek.errorClass != errorClass { continue }
                if let since, !(peek.time >= since) { continue }
                let e = ring.redact(index)
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

    /// A request id's bytes, lent to the locked closure of one `append`, which copies them
    /// before returning. `@unchecked`: a pointer is not `Sendable`, and nothing keeps it past
    /// the call that lends it.
    private struct LentBytes: @unchecked Sendable {
        let bytes: UnsafeBufferPointer<UInt8>?
    }

    /// One entry as held: the parts of a failed request as appended (unredacted, the body
    /// uncut), or, once a query has reached it or when appended that way, the redacted entry.
    fileprivate struct Slot {
        /// The record's labels object (provider, region, host, model, origin); nil once redacted.
        var labels: RecordLabels?
        var source = RecordSource.log
        var time = 0.0
        /// nil when no response came back.
        var statusCode: Int?
        var classification = Classification(.other, "other")
        /// The request id when `requestIDLength` is -1 (nil: none).
        var requestID: String?
        /// -1, or the request id is this many bytes of the slot's stretch of `Ring.requestIDs`.
        var requestIDLength = -1
        /// The error body's text, else the transport error's message, as received.
        var text: String?
        /// A probe's libcurl code when `text` is its message (the body reads "curl error N: ...").
        var curlCode: Int?
        /// The append's number: which redactor applies (see `Ring.redactors`).
        var sequence: UInt64 = 0
        /// The entry, redacted and cut; nil until a query reaches the slot.
        var redacted: FailureEntry?
        /// `redacted != nil`, kept apart: reading the optional entry to test it copies it whole,
        /// which appending (which must clear it) would pay per failure.
        var isRedacted = false

        /// The fields filters read (region, model, class, time), which redaction leaves alone.
        var unredacted: (region: String, model: String, errorClass: ErrorClass, time: Double) {
            if isRedacted, let e = redacted { return (e.region, e.model, e.errorClass, e.time) }
            let labels = self.labels!
            return (labels.region, labels.model, classification.errorClass, time)
        }

        /// The entry, unredacted: the body (or transport error) cut at `preRedactionBytes`.
        /// `requestID` is the slot's (see `requestIDLength`).
        func rawEntry(requestID: String?) -> FailureEntry {
            var raw = text ?? ""
            if let code = curlCode { raw = "curl error \(code): \(raw)" }
            raw = RecentFailures.cut(raw, maxBytes: RecentFailures.preRedactionBytes)
            let labels = self.labels!
            return FailureEntry(
                time: time, provider: labels.provider, region: labels.region, host: labels.host, model: labels.model,
                statusCode: statusCode, errorClass: classification.errorClass, reason: classification.reason,
                requestID: requestID, body: raw, source: source, log: labels.origin)
        }
    }

    /// Fixed-capacity ring of slots allocated once (no copy-on-write checks per append), with
    /// the redactors its unredacted slots still need; owned by `ring`.
    private struct Ring: ~Copyable {
        /// Request ids up to this many UTF-8 bytes are kept in `requestIDs`, longer ones as Strings.
        static let maxKeptRequestIDBytes = 64
        let slots: UnsafeMutablePointer<Slot>
        /// Per slot, a stretch of `maxKeptRequestIDBytes` bytes for its request id.
        let requestIDs: UnsafeMutablePointer<UInt8>
        let capacity: Int
        var next = 0
        var count = 0
        /// Appends so far; the next append's `sequence`.
        var appended: UInt64 = 0
        /// Each redactor with the sequence of the first append it applies to, ascending; a
        /// slot's redactor is the last one whose `from` is at or below its sequence. Those no
        /// held slot needs are dropped when a redactor is added.
        var redactors: [(from: UInt64, redactor: Redactor)]

        init(capacity: Int, redactor: Redactor) {
            self.capacity = capacity
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: Slot(), count: capacity)
            requestIDs = .allocate(capacity: capacity * Ring.maxKeptRequestIDBytes)
            redactors = [(0, redactor)]
        }

        deinit {
            slots.deinitialize(count: capacity)
            slots.deallocate()
            requestIDs.deallocate()
        }

        var currentRedactor: Redactor { redactors[redactors.count - 1].redactor }

        mutating func setRedactor(_ redactor: Redactor) {
            redactors.append((appended, redactor))
            let oldestHeld = appended - UInt64(count)
            while redactors.count > 1 && redactors[1].from <= oldestHeld { redactors.removeFirst() }
        }

        /// Overwrites the oldest slot field by field: each replaced reference is released,
        /// nothing else is destroyed or built.
        mutating func append(labels: RecordLabels, source: RecordSource, time: Double, statusCode: Int?,
                             classification: Classification, requestID: UnsafeBufferPointer<UInt8>?,
                             text: String?, curlCode: Int?) {
            let slot = slots + next
            slot.pointee.labels = labels
            slot.pointee.source = source
            slot.pointee.time = time
            slot.pointee.statusCode = statusCode
            slot.pointee.classification = classification
            if let requestID, requestID.count <= Ring.maxKeptRequestIDBytes {
                if let base = requestID.baseAddress {
                    (requestIDs + next &* Ring.maxKeptRequestIDBytes).update(from: base, count: requestID.count)
                }
                if slot.pointee.requestIDLength < 0 { slot.pointee.requestID = nil }
                slot.pointee.requestIDLength = requestID.count
            } else {
                slot.pointee.requestID = requestID.map { String(decoding: $0, as: UTF8.self) }
                slot.pointee.requestIDLength = -1
            }
            slot.pointee.text = text
            slot.pointee.curlCode = curlCode
            if slot.pointee.isRedacted {
                slot.pointee.redacted = nil
                slot.pointee.isRedacted = false
            }
            advance(slot)
        }

        mutating func append(redacted entry: FailureEntry) {
            let slot = slots + next
            slot.pointee.labels = nil
            slot.pointee.requestID = nil
            slot.pointee.requestIDLength = -1
            slot.pointee.text = nil
            slot.pointee.redacted = entry
            slot.pointee.isRedacted = true
            advance(slot)
        }

        private mutating func advance(_ slot: UnsafeMutablePointer<Slot>) {
            slot.pointee.sequence = appended
            appended &+= 1
            next += 1
            if next == capacity { next = 0 }
            if count < capacity { count += 1 }
        }

        /// The request id of an unredacted slot.
        func requestID(_ index: Int) -> String? {
            let length = slots[index].requestIDLength
            guard length >= 0 else { return slots[index].requestID }
            let start = requestIDs + index &* Ring.maxKeptRequestIDBytes
            return String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        }

        /// The slot of the i-th newest entry (0 = newest), i < count.
        func newestIndex(_ i: Int) -> Int {
            (next - 1 - i + 2 * capacity) % capacity
        }

        /// The redacted entry of an occupied slot, redacting it in place on first use (and
        /// then dropping what it was made from).
        mutating func redact(_ index: Int) -> FailureEntry {
            let slot = slots + index
            if slot.pointee.isRedacted, let e = slot.pointee.redacted { return e }
            let sequence = slot.pointee.sequence
            var r = redactors.count - 1
            while redactors[r].from > sequence { r -= 1 }
            let done = RecentFailures.redacted(slot.pointee.rawEntry(requestID: requestID(index)),
                                               with: redactors[r].redactor)
            slot.pointee.redacted = done
            slot.pointee.isRedacted = true
            slot.pointee.labels = nil
            slot.pointee.requestID = nil
            slot.pointee.requestIDLength = -1
            slot.pointee.text = nil
            return done
        }
    }
}
