import Foundation
import Synchronization

/// Gives every failed upstream request exactly one (class, reason) of CONTRACT section 4.
///
/// Reads the transport failure if there is one, else the status, then the body: JSON
/// `error` (a string, or an object's `message`/`code`), `message`, `detail`, `errors[]`,
/// `metadata.errors[]` and `status`, or plain text. Messages are matched by key phrases of
/// the seeds, case-insensitively and ignoring punctuation, through one table per provider
/// family (`ClassifierTables`). Any thread may call it: the only state is a small cache of
/// recent (API, status, body) answers, since logs repeat the same few error bodies.
public struct ErrorClassifier: Sendable {
    private let cache = BodyCache()

    public init() {}

    /// nil when the record is a success (2xx without a failed-job body). Never nil for a
    /// transport failure or a non-2xx.
    ///
    /// - A transport failure wins over a status (the answer did not arrive whole).
    /// - 2xx: a failure only when the body's top-level `status` is `"error"` (a failed job):
    ///   `processing/<reason>`. The common success (no body) allocates nothing.
    /// - 5xx: `server/status_500|502|503|504`, any other 5xx `server/status_5xx`, whatever the body.
    /// - 4xx: the provider family's table; a message no row knows keeps the status's class.
    /// - 1xx, 3xx, 600 and above: `other/other`.
    /// - No status and no transport failure: a body string a client logged is read as a
    ///   transport error when it is one (`timeout`, `network`, `tls`), else `other/other`.
    public func classify(_ record: RequestRecord, api: ProviderAPI) -> Classification? {
        if let failure = record.transportFailure {
            if case .message(let message) = failure {
                // A client's error string, as logged: status 0 keys it apart from answers.
                return cache.classification(api: api, status: 0, body: .text(message)) {
                    TransportErrorClassifier.classify(failure)
                }
            }
            return TransportErrorClassifier.classify(failure)
        }
        guard let status = record.statusCode, status > 0 else {
            if let body = record.errorBody, let transport = TransportErrorClassifier.recognise(body.text) {
                return transport
            }
            return Classification(.other, "other")
        }
        switch status {
        case 200...299:
            guard let body = record.errorBody else { return nil }
            return cache.classification(api: api, status: status, body: body) { ErrorClassifier.classifyJob(body) }
        case 500: return Classification(.server, "status_500")
        case 502: return Classification(.server, "status_502")
        case 503: return Classification(.server, "status_503")
        case 504: return Classification(.server, "status_504")
        case 500...599: return Classification(.server, "status_5xx")
        case 400...499:
            guard let errorBody = record.errorBody else {
                return ClassifierTables.table(for: api).classify(status: status, body: ClassifierBody(.text("")))
            }
            return cache.classification(api: api, status: status, body: errorBody) {
                ClassifierTables.table(for: api).classify(status: status, body: ClassifierBody(errorBody))
            }
        default:
            return Classification(.other, "other")
        }
    }

    /// A 2xx body: `processing/<reason>` when it reports a failed job, else nil.
    static func classifyJob(_ body: ErrorBody) -> Classification? {
        let read = ClassifierBody(body)
        guard read.statusIsError else { return nil }
        return ClassifierTables.processing.classify(read.text) ?? Classification(.processing, "other")
    }
}

/// Recent classifications by (API, status, body): a two-way table of a few slots (a body may
/// sit in either slot of its pair, so two hot bodies whose hashes meet do not evict each other
/// on every line), so a log repeating the same error bodies reads each body once (a logged
/// transport error string is keyed with status 0). The answer is a function of those three,
/// so a hit gives exactly what classifying again would.
///
/// A hit is most failed lines' classification, so the table is raw storage allocated once:
/// each slot's body bytes sit in a fixed stretch of one arena and are compared with `memcmp`
/// (no entry copied out, no String compared, no copy-on-write checks).
///
/// In front of it, a second two-way table finds a body by the address of its String's
/// storage: a log decoder hands out the same String for a body it saw recently, so most
/// lines' bodies are found with a pointer compare, without hashing or comparing their bytes.
/// Each of its entries holds its String, so the address names no other storage while the
/// entry is there; and storage shared with the entry cannot be changed in place, so the same
/// address and length mean the same bytes.
private final class BodyCache: Sendable {
    private static let slots = 128
    /// Longer bodies are classified every time (bounds the memory held: one arena of
    /// `slots` × this many bytes).
    private static let maxBodyBytes = 1024

    private struct Entry {
        /// The key's hash; 0 for an empty slot, checked before anything else.
        var hash: UInt64 = 0
        var api = ProviderAPI.openAICompatible
        var status = 0
        var isJSON = false
        /// The body's UTF-8 length; its bytes are the slot's stretch of `Table.bytes`.
        var length = 0
        var result: Classification?
    }

    /// An entry of the front table, keyed by the address of the body's bytes.
    private struct IdentityEntry {
        /// 0 for an empty slot.
        var address: UInt = 0
        var length = 0
        var api = ProviderAPI.openAICompatible
        var status = 0
        var isJSON = false
        var result: Classification?
        /// The body whose storage `address` is, held (see the type's comment).
        var body: String?
    }

    private struct Table: ~Copyable {
        let entries: UnsafeMutablePointer<Entry>
        let bytes: UnsafeMutablePointer<UInt8>
        /// Per pair, the slot that hit last: a miss replaces the other.
        let recent: UnsafeMutablePointer<Int>
        /// The front table (as many slots as `entries`) and its slot that hit last per pair.
        let identities: UnsafeMutablePointer<IdentityEntry>
        let identityRecent: UnsafeMutablePointer<Int>

        init() {
            entries = .allocate(capacity: BodyCache.slots)
            entries.initialize(repeating: Entry(), count: BodyCache.slots)
            bytes = .allocate(capacity: BodyCache.slots * BodyCache.maxBodyBytes)
            recent = .allocate(capacity: BodyCache.slots / 2)
            recent.initialize(repeating: 0, count: BodyCache.slots / 2)
            identities = .allocate(capacity: BodyCache.slots)
            identities.initialize(repeating: IdentityEntry(), count: BodyCache.slots)
            identityRecent = .allocate(capacity: BodyCache.slots / 2)
            identityRecent.initialize(repeating: 0, count: BodyCache.slots / 2)
        }

        deinit {
            entries.deinitialize(count: BodyCache.slots)
            entries.deallocate()
            bytes.deallocate()
            recent.deallocate()
            identities.deinitialize(count: BodyCache.slots)
            identities.deallocate()
            identityRecent.deallocate()
        }

        /// The slot of `pair` holding the key, or nil.
        func find(pair: Int, hash: UInt64, api: ProviderAPI, status: Int, isJSON: Bool, body: LentBytes) -> Int? {
            for way in 0..<2 {
                let slot = 2 &* pair &+ way
                let e = entries + slot
                guard e.pointee.hash == hash, e.pointee.status == status, e.pointee.api == api,
                      e.pointee.isJSON == isJSON, e.pointee.length == body.count else { continue }
                if body.count == 0 || memcmp(bytes + slot &* BodyCache.maxBodyBytes, body.base!, body.count) == 0 {
                    return slot
                }
            }
            return nil
        }

        /// The front table's answer for the body at `address`: `.some` on a hit.
        func identityHit(pair: Int, address: UInt, length: Int, api: ProviderAPI, status: Int,
                         isJSON: Bool) -> Classification?? {
            for way in 0..<2 {
                let e = identities + (2 &* pair &+ way)
                if e.pointee.address == address && e.pointee.length == length && e.pointee.status == status
                    && e.pointee.api == api && e.pointee.isJSON == isJSON {
                    identityRecent[pair] = way
                    return .some(e.pointee.result)
                }
            }
            return .none
        }

        /// Keeps an answer in the front table, replacing the slot of the pair that hit less recently.
        func keepIdentity(pair: Int, address: UInt, length: Int, api: ProviderAPI, status: Int,
                          isJSON: Bool, result: Classification?, body: String) {
            let way = 1 &- identityRecent[pair]
            identities[2 &* pair &+ way] = IdentityEntry(address: address, length: length, api: api, status: status,
                                                         isJSON: isJSON, result: result, body: body)
            identityRecent[pair] = way
        }
    }

    private let table = Mutex(Table())

    /// A body's bytes, lent to the locked closures of one `classification` call (which read
    /// them before returning). `@unchecked`: a pointer is not `Sendable`, and nothing keeps it
    /// past the call that lends it.
    private struct LentBytes: @unchecked Sendable {
        let base: UnsafePointer<UInt8>?
        let count: Int
    }

    @inline(__always)
    func classification(api: ProviderAPI, status: Int, body: ErrorBody,
                        _ compute: () -> Classification?) -> Classification? {
        let original: String
        let isJSON: Bool
        switch body {
        case .json(let s):
            original = s
            isJSON = true
        case .text(let s):
            original = s
            isJSON = false
        }
        let n = original.utf8.count
        guard n <= BodyCache.maxBodyBytes else { return compute() }
        // The address of the body's storage (a native String's, or a literal's); none for a
        // small string (at most 15 bytes, held inline: its bytes are lent from a copy).
        let address = n <= 15 ? 0
            : original.utf8.withContiguousStorageIfAvailable { UInt(bitPattern: $0.baseAddress) } ?? 0
        let a = UInt64(address) &* 0x9E37_79B9_7F4A_7C15
        let identityPair = Int(truncatingIfNeeded: (a >> 32) % UInt64(BodyCache.slots / 2))
        if address != 0 {
            let hit = table.withLock {
                $0.identityHit(pair: identityPair, address: address, length: n, api: api, status: status, isJSON: isJSON)
            }
            if let hit { return hit }
        }
        var text = original
        let result = text.withUTF8 { buffer -> Classification? in
            classification(LentBytes(base: buffer.baseAddress, count: buffer.count), n: n, api: api,
                           status: status, isJSON: isJSON, compute)
        }
        if address != 0 {
            table.withLock {
                $0.keepIdentity(pair: identityPair, address: address, length: n, api: api, status: status,
                                isJSON: isJSON, result: result, body: original)
            }
        }
        return result
    }

    /// The answer for a body's bytes, from the table or computed (and then kept).
    @inline(__always)
    private func classification(_ bytes: LentBytes, n: Int, api: ProviderAPI, status: Int, isJSON: Bool,
                                _ compute: () -> Classification?) -> Classification? {
        var h = UInt64(truncatingIfNeeded: status &* 31 &+ n) &* 0x9E37_79B9_7F4A_7C15
        if let base = bytes.base {
            var k = 0
            while k &+ 8 <= n {
                h = (h ^ UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 29
                k &+= 8
            }
            while k < n {
                h = (h ^ UInt64(base[k])) &* 0x100_0000_01B3
                k &+= 1
            }
        }
        h = (h ^ (h >> 31)) &* 0x94D0_49BB_1331_11EB
        h |= 1  // 0 marks an empty slot
        let pair = Int(truncatingIfNeeded: (h >> 32) % UInt64(BodyCache.slots / 2))
        let hit = table.withLock { t -> Classification?? in
            guard let slot = t.find(pair: pair, hash: h, api: api, status: status, isJSON: isJSON, body: bytes) else {
                return .none
            }
            t.recent[pair] = slot & 1
            return .some(t.entries[slot].result)
        }
        if let hit { return hit }
        let result = compute()
        table.withLock { t in
            let slot = 2 &* pair &+ (1 &- t.recent[pair])
            if let base = bytes.base {
                (t.bytes + slot &* BodyCache.maxBodyBytes).update(from: base, count: n)
            }
            t.entries[slot] = Entry(hash: h, api: api, status: status, isJSON: isJSON, length: n, result: result)
            t.recent[pair] = slot & 1
        }
        return result
    }
}
