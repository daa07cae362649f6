import Synchronization

/// What the table needs of a series: its label values (the table key, already folded).
protocol LabeledSeries: AnyObject, Sendable {
    var labelValues: [String] { get }
}

/// The label value a new value is folded into once its label reached the cap.
let overflowLabelValue = "__other__"

/// One family's series, keyed by label values, with per-label cardinality caps.
///
/// Thread safety: all state sits behind one `Mutex`, taken only when a series handle is handed
/// out, removed, or listed for rendering — never on a handle's update path.
final class SeriesTable<Series: LabeledSeries>: Sendable {
    private struct State {
        var series: [[String]: Series] = [:]
        /// For each label position, how many live series carry each value (`__other__` excluded).
        var valueCounts: [[String: Int]]
        /// Bumped on every insert and removal; guards the sorted cache.
        var generation: UInt64 = 0
        var sorted: [Series]? = []
        var sortedGeneration: UInt64 = 0
    }

    let familyName: String
    let labelNames: [String]
    let maxLabelValues: Int
    private let make: @Sendable ([String]) -> Series
    /// Called (outside the lock) with the label name for each value folded into `__other__`.
    private let onOverflow: (@Sendable (String) -> Void)?
    private let state: Mutex<State>

    init(familyName: String, labelNames: [String], maxLabelValues: Int,
         onOverflow: (@Sendable (String) -> Void)?, make: @escaping @Sendable ([String]) -> Series) {
        precondition(maxLabelValues >= 1, "maxLabelValues must be at least 1")
        self.familyName = familyName
        self.labelNames = labelNames
        self.maxLabelValues = maxLabelValues
        self.onOverflow = onOverflow
        self.make = make
        self.state = Mutex(State(valueCounts: Array(repeating: [:], count: labelNames.count)))
        if labelNames.isEmpty {
            // A family without labels always exposes its one series (0 until updated).
            _ = series(for: [])
        }
    }

    /// The series for `values`, created on first use. A value that would make its label exceed
    /// `maxLabelValues` distinct values is replaced by `__other__` and reported to `onOverflow`.
    func series(for values: [String]) -> Series {
        precondition(values.count == labelNames.count,
                     "\(familyName) takes \(labelNames.count) label values \(labelNames), got \(values.count)")
        var folded: [String] = []
        let result = state.withLock { state -> Series in
            if let existing = state.series[values] {
                return existing
            }
            var key = values
            for index in key.indices where key[index] != overflowLabelValue {
                if state.valueCounts[index][key[index]] == nil
                    && state.valueCounts[index].count >= maxLabelValues {
                    key[index] = overflowLabelValue
                    folded.append(labelNames[index])
                }
            }
            if !folded.isEmpty, let existing = state.series[key] {
                return existing
            }
            let created = make(key)
            state.series[key] = created
            for index in key.indices where key[index] != overflowLabelValue {
                state.valueCounts[index][key[index], default: 0] += 1
            }
            state.generation &+= 1
            return created
        }
        if let onOverflow {
            for label in folded {
                onOverflow(label)
            }
        }
        return result
    }

    /// Removes the series with exactly these (stored) label values, if present. Handles already
    /// handed out keep working but are no longer rendered.
    func remove(_ values: [String]) {
        guard !labelNames.isEmpty else { return }
        state.withLock { state in
            Self.remove(values, from: &state)
        }
    }

    /// Removes every series. A family without labels keeps its one series (so handles held
    /// for it stay rendered): removal does nothing there.
    func removeAll() {
        guard !labelNames.isEmpty else { return }
        state.withLock { state in
            state.series.removeAll()
            state.valueCounts = Array(repeating: [:], count: labelNames.count)
            state.generation &+= 1
        }
    }

    /// Removes the series whose label values satisfy `predicate`. The predicate runs outside
    /// the lock (it may call back into the family); a series re-created for the same labels
    /// meanwhile is a different object and is kept.
    func removeAll(where predicate: ([String]) -> Bool) {
        guard !labelNames.isEmpty else { return }
        let snapshot = state.withLock { state in Array(state.series) }
        let doomed = snapshot.filter { predicate($0.key) }
        guard !doomed.isEmpty else { return }
        state.withLock { state in
            for (key, series) in doomed where state.series[key] === series {
                Self.remove(key, from: &state)
            }
        }
    }

    private static func remove(_ values: [String], from state: inout State) {
        guard state.series.removeValue(forKey: values) != nil else { return }
        for index in values.indices where values[index] != overflowLabelValue {
            if let count = state.valueCounts[index][values[index]] {
                if count <= 1 {
                    state.valueCounts[index].removeValue(forKey: values[index])
                } else {
                    state.valueCounts[index][values[index]] = count - 1
                }
            }
        }
        state.generation &+= 1
    }

    var isEmpty: Bool {
        state.withLock { $0.series.isEmpty }
    }

    /// Every series, sorted by label values (byte-wise, label by label). Sorting happens
    /// outside the lock and is cached until the next insert or removal.
    func sortedSeries() -> [Series] {
        let (cached, generation, unsorted) = state.withLock { state -> ([Series]?, UInt64, [Series]) in
            if state.sortedGeneration == state.generation, let sorted = state.sorted {
                return (sorted, state.generation, [])
            }
            return (nil, state.generation, Array(state.series.values))
        }
        if let cached {
            return cached
        }
        let sorted = unsorted.sorted { lhs, rhs in
            Self.precedes(lhs.labelValues, rhs.labelValues)
        }
        state.withLock { state in
            if state.generation == generation {
                state.sorted = sorted
                state.sortedGeneration = generation
            }
        }
        return sorted
    }

    private static func precedes(_ lhs: [String], _ rhs: [String]) -> Bool {
        for index in lhs.indices {
            let l = lhs[index].utf8
            let r = rhs[index].utf8
            if l.elementsEqual(r) {
                continue
            }
            return l.lexicographicallyPrecedes(r)
        }
        return false
    }
}
