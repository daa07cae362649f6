import GatewatchCore

/// A decoder's `RecordLabels`, one object per (region, URL, model, provider string) seen
/// lately, so the records of one series share one labels object (the Recorder finds their
/// series by its identity) and the labels are worked out once, not per line.
///
/// The strings are named by their `StringCache.Entry` objects: a slot is found by their
/// addresses and matched by identity, no string is hashed or compared. A slot holds its
/// entries, so an address names no other entry while the slot keeps it. A two-way table in raw
/// storage; not thread-safe (one per decoder).
final class LabelsCache {
    /// A slot's key entries, held so their addresses name no other entry while they are here.
    private struct Held {
        let region: StringCache.Entry?
        let url: StringCache.Entry?
        let model: StringCache.Entry?
        let provider: StringCache.Entry?
    }

    /// Two ways per set, as in `StringCache`.
    private static let slots = 1024
    /// Per slot, the key entries' addresses (0 for none), compared without touching the
    /// objects' reference counts.
    private let keys: UnsafeMutablePointer<UInt64>
    private let held: UnsafeMutablePointer<Held?>
    private let values: UnsafeMutablePointer<RecordLabels?>
    /// Per pair, the slot that hit last: a miss replaces the other.
    private let recent: UnsafeMutablePointer<Int>

    init() {
        keys = .allocate(capacity: 4 * LabelsCache.slots)
        keys.initialize(repeating: 0, count: 4 * LabelsCache.slots)
        held = .allocate(capacity: LabelsCache.slots)
        held.initialize(repeating: nil, count: LabelsCache.slots)
        values = .allocate(capacity: LabelsCache.slots)
        values.initialize(repeating: nil, count: LabelsCache.slots)
        recent = .allocate(capacity: LabelsCache.slots / 2)
        recent.initialize(repeating: 0, count: LabelsCache.slots / 2)
    }

    deinit {
        keys.deallocate()
        held.deinitialize(count: LabelsCache.slots)
        held.deallocate()
        values.deinitialize(count: LabelsCache.slots)
        values.deallocate()
        recent.deallocate()
    }

    /// The labels for these strings: the cached object, or `make()`'s, kept for next time.
    @inline(__always)
    func labels(region: StringCache.Entry?, url: StringCache.Entry?, model: StringCache.Entry?,
                provider: StringCache.Entry?, make: () -> RecordLabels) -> RecordLabels {
        let r = LabelsCache.address(region), u = LabelsCache.address(url), m = LabelsCache.address(model)
        let v = LabelsCache.address(provider)
        var h = r &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ u) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ m ^ v << 1) &* 0x94D0_49BB_1331_11EB
        let pair = Int(truncatingIfNeeded: (h >> 32) % UInt64(LabelsCache.slots / 2))
        for way in 0..<2 {
            let slot = 2 &* pair &+ way
            let key = keys + 4 &* slot
            if key[0] == r, key[1] == u, key[2] == m, key[3] == v, let labels = values[slot] {
                recent[pair] = way
                return labels
            }
        }
        let way = 1 &- recent[pair]
        let slot = 2 &* pair &+ way
        let labels = make()
        let key = keys + 4 &* slot
        key[0] = r
        key[1] = u
        key[2] = m
        key[3] = v
        held[slot] = Held(region: region, url: url, model: model, provider: provider)
        values[slot] = labels
        recent[pair] = way
        return labels
    }

    @inline(__always)
    private static func address(_ entry: StringCache.Entry?) -> UInt64 {
        entry.map { UInt64(UInt(bitPattern: ObjectIdentifier($0))) } ?? 0
    }
}
