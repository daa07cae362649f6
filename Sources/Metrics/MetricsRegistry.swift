import Synchronization

/// The set of metric families gatewatch exposes, and the renderer of both exposition formats.
///
/// Thread-safe: register, update and render from any thread. Families are keyed by name;
/// registering a name again with the same type and label names (and buckets) returns the
/// existing family, so a config reload keeps its counts. Registering it with a different shape
/// is a programming error (precondition failure), as is a family whose exposed names would
/// clash with another's (counter `x_total` vs gauge `x`, histogram `h` vs gauge `h_count`).
public final class MetricsRegistry: Sendable {
    /// The name of the registry-owned family counting label values folded into `__other__`.
    public static let overflowFamilyName = "gatewatch_cardinality_overflow_total"

    /// Distinct values allowed per label name in each family before new ones fold into `__other__`.
    public let maxLabelValues: Int

    private struct State {
        var families: [String: any ExposedFamily] = [:]
        var hooks: [@Sendable () -> Void] = []
        /// Exposed name → the family that owns it (see `ExposedFamily.exposedNames`).
        var exposedNames: [String: String] = [:]
    }

    private let state = Mutex(State())
    /// Serializes renders so collect hooks never run concurrently with each other; holds the
    /// last render's size, the next buffer's capacity hint.
    private let renderLock = Mutex<Int>(4096)
    private let overflow: CounterFamily

    public init(maxLabelValues: Int = 500) {
        precondition(maxLabelValues >= 1, "maxLabelValues must be at least 1")
        self.maxLabelValues = maxLabelValues
        let overflow = CounterFamily(
            name: MetricsRegistry.overflowFamilyName,
            help: "Label values folded into __other__ because the label reached its cap of distinct values.",
            labelNames: ["label"], maxLabelValues: maxLabelValues, onOverflow: nil)
        self.overflow = overflow
        state.withLock { state in
            state.families[overflow.name] = overflow
            for exposed in overflow.exposedNames {
                state.exposedNames[exposed] = overflow.name
            }
        }
    }

    /// Registers (or returns the existing) counter family. `name` must end in `_total`.
    public func counter(_ name: String, help: String, labelNames: [String] = []) -> CounterFamily {
        register(name) { existing in
            guard let existing else {
                return CounterFamily(name: name, help: help, labelNames: labelNames,
                                     maxLabelValues: maxLabelValues, onOverflow: overflowHandler)
            }
            guard existing.labelNames == labelNames else {
                preconditionFailure("\(name) is already registered with a different type or labels")
            }
            return existing
        }
    }

    /// Registers (or returns the existing) gauge family. `name` must not end in `_total`,
    /// `_count`, `_sum` or `_bucket` (promtool would warn).
    public func gauge(_ name: String, help: String, labelNames: [String] = []) -> GaugeFamily {
        register(name) { existing in
            guard let existing else {
                return GaugeFamily(name: name, help: help, labelNames: labelNames,
                                   maxLabelValues: maxLabelValues, onOverflow: overflowHandler)
            }
            guard existing.labelNames == labelNames else {
                preconditionFailure("\(name) is already registered with a different type or labels")
            }
            return existing
        }
    }

    /// Registers (or returns the existing) histogram family. `buckets` are the finite upper
    /// bounds (sorted and deduplicated here); `+Inf` is always added. `le` is not a valid label name,
    /// and `name` must not end in `_total`, `_count`, `_sum` or `_bucket`.
    public func histogram(_ name: String, help: String, labelNames: [String] = [],
                          buckets: [Double]) -> HistogramFamily {
        register(name) { existing in
            guard let existing else {
                return HistogramFamily(name: name, help: help, labelNames: labelNames, buckets: buckets,
                                       maxLabelValues: maxLabelValues, onOverflow: overflowHandler)
            }
            guard existing.labelNames == labelNames,
                  existing.buckets == HistogramFamily.normalize(buckets) else {
                preconditionFailure("\(name) is already registered with a different type, labels or buckets")
            }
            return existing
        }
    }

    /// Adds a hook run right before every render (on the rendering thread, one render at a
    /// time), so values computed at scrape time are current. A hook may register families,
    /// set gauges and remove series; it must not call `render`.
    public func onCollect(_ hook: @escaping @Sendable () -> Void) {
        state.withLock { $0.hooks.append(hook) }
    }

    /// Removes the family with this name; it is no longer rendered. Handles already handed out
    /// keep working, unrendered. The overflow family cannot be unregistered.
    public func unregister(_ name: String) {
        guard name != MetricsRegistry.overflowFamilyName else { return }
        state.withLock { state in
            guard let family = state.families.removeValue(forKey: name) else { return }
            for exposed in family.exposedNames {
                state.exposedNames.removeValue(forKey: exposed)
            }
        }
    }

    /// Runs the collect hooks, then renders every family, sorted by name, series sorted by
    /// label values. Deterministic: the same state gives the same bytes. OpenMetrics output
    /// ends with `# EOF`. The overflow family appears once anything has overflowed.
    public func render(_ format: ExpositionFormat) -> [UInt8] {
        renderLock.withLock { lastSize in
            let hooks = state.withLock { $0.hooks }
            for hook in hooks {
                hook()
            }
            let families = state.withLock { state in
                state.families.values.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            }
            var buffer = ByteBuffer(reservingCapacity: lastSize + lastSize / 8)
            for family in families {
                if family === overflow && family.isEmpty {
                    continue
                }
                family.encode(into: &buffer, format: format)
            }
            if format == .openMetrics {
                buffer.append("# EOF\n")
            }
            lastSize = buffer.bytes.count
            return buffer.bytes
        }
    }

    private var overflowHandler: @Sendable (String) -> Void {
        let overflow = self.overflow
        return { label in overflow.labels(label).inc() }
    }

    private func register<F: ExposedFamily>(_ name: String, _ make: (F?) -> F) -> F {
        state.withLock { state in
            let existing = state.families[name]
            if let existing, !(existing is F) {
                preconditionFailure("\(name) is already registered as a different type")
            }
            if let existing = existing as? F {
                return make(existing)
            }
            let family = make(nil)
            for exposed in family.exposedNames {
                if let owner = state.exposedNames[exposed] {
                    preconditionFailure("\(name) would expose \(exposed), which \(owner) already exposes")
                }
            }
            for exposed in family.exposedNames {
                state.exposedNames[exposed] = name
            }
            state.families[name] = family
            return family
        }
    }
}
