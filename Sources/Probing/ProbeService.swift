import Dispatch
import Foundation
import GatewatchCore
import Metrics
import Synchronization

/// The probes the exporter runs: every probe on its interval, on one libcurl loop thread.
///
/// - `record` (the Recorder) is called on the probe thread with each request a probe made
///   (`source="probe"`); it counts it, feeds the headroom tracker and returns the classification
///   (nil = success). It must not block. A `tls` probe makes no request and records nothing.
/// - `mayProbeSpend` is asked before every run that spends rate limit (`chat`, and `http` with a
///   model); false skips the run (`gatewatch_probe_runs_total{result="skipped"}`), nothing sent.
/// - `classifyTransport` classifies a failed `tls` probe's transport error (it gets a record that
///   is never counted) for `states()`; the four-argument initialiser uses the core
///   `TransportErrorClassifier`.
/// - `onEvent` receives log events (never a key) on the calling or the probe thread.
///
/// Thread-safe: every method may be called from any thread except the callbacks above.
public final class ProbeService: Sendable {
    private let client: CurlClient?
    private let engine: ProbeEngine
    private let board: ProbeBoard
    private let onEvent: @Sendable (ServiceEvent) -> Void
    private let reuseConnections: Bool

    public convenience init(registry: MetricsRegistry,
                            record: @escaping @Sendable (RequestRecord) -> Classification?,
                            mayProbeSpend: @escaping @Sendable (_ provider: String, _ region: String, _ model: String, _ minRemaining: Int) -> Bool,
                            onEvent: @escaping @Sendable (ServiceEvent) -> Void) {
        self.init(registry: registry, record: record, mayProbeSpend: mayProbeSpend, onEvent: onEvent,
                  classifyTransport: { $0.transportFailure.map(TransportErrorClassifier.classify) })
    }

    /// - Parameters:
    ///   - firstRunSpread: probes added together start within this many seconds (each at its
    ///     stable offset); runs then follow every interval.
    ///   - reuseConnections: false (default): every run opens a new connection and does a full TLS
    ///     handshake, as blackbox_exporter does, so every phase is measured each run. true: `http`,
    ///     `chat` and `transcript_list` probes keep their connection alive between runs, as an
    ///     application's client would (about 1/50 of the CPU per run; resolve/connect/tls read 0
    ///     and no certificate is seen on a reused connection); `tls` probes still connect afresh.
    public init(registry: MetricsRegistry,
                record: @escaping @Sendable (RequestRecord) -> Classification?,
                mayProbeSpend: @escaping @Sendable (_ provider: String, _ region: String, _ model: String, _ minRemaining: Int) -> Bool,
                onEvent: @escaping @Sendable (ServiceEvent) -> Void,
                classifyTransport: (@Sendable (RequestRecord) -> Classification?)?,
                firstRunSpread: Double = 5, reuseConnections: Bool = false) {
        let board = ProbeBoard()
        self.reuseConnections = reuseConnections
        self.board = board
        self.onEvent = onEvent
        self.client = CurlClient()
        self.engine = ProbeEngine(metrics: ProbeMetrics(registry: registry), board: board, record: record,
                                  mayProbeSpend: mayProbeSpend, classifyTransport: classifyTransport,
                                  onEvent: onEvent, spread: firstRunSpread)
        if client == nil {
            onEvent(ServiceEvent(level: .error, message: "libcurl could not be initialised; probes will not run"))
        }
    }

    /// Starts or reconfigures: adds, removes and changes probes without a restart and without
    /// resetting the counters of probes that stay. Keys are (re-)read here from `environment` and
    /// `api_key_file`. Returns once the new set is in place.
    public func apply(_ config: GatewatchConfig, environment: [String: String]) {
        let reuse = reuseConnections
        let plans = ProbeRunner.plans(config, environment: environment, onEvent: onEvent).map { plan in
            var p = plan
            p.reuseConnections = reuse
            return p
        }
        board.setProbes(plans)
        guard let client else { return }
        let done = DispatchSemaphore(value: 0)
        let engine = self.engine
        if client.execute({ loop in engine.apply(plans, loop: loop); done.signal() }) {
            done.wait()
        }
    }

    /// True once every configured probe has run (or been skipped) at least once; true with no probes.
    public var allRanOnce: Bool { board.pending.isEmpty }

    /// `2 of 5 probes have not run yet: a, b`, or `all 5 probes have run`.
    public var pendingDescription: String {
        let (pending, total) = board.pendingAndTotal
        if pending.isEmpty { return "all \(total) probes have run" }
        return "\(pending.count) of \(total) probes have not run yet: \(pending.joined(separator: ", "))"
    }

    /// The last result of every probe that has completed a run, sorted by name.
    public func states() -> [ProbeState] { board.states() }

    /// How each probe kept its schedule since it was added (by probe name).
    public func runStats() -> [String: ProbeRunStats] { board.runStats() }

    /// Stops every probe: in-flight transfers are aborted, the loop thread ends. Idempotent.
    public func stop() {
        client?.stop()
    }

    deinit { stop() }
}

/// What other threads read: the probe set, who has run, the last states and schedule stats.
final class ProbeBoard: Sendable {
    private struct Entry {
        var ranOnce = false
        var state: ProbeState?
        var stats = ProbeRunStats()
    }

    private struct Board {
        var order: [String] = []
        var entries: [String: Entry] = [:]
    }

    private let board = Mutex(Board())

    func setProbes(_ plans: [ProbePlan]) {
        board.withLock { b in
            var entries: [String: Entry] = [:]
            for plan in plans { entries[plan.name] = b.entries[plan.name] ?? Entry() }
            b.entries = entries
            b.order = plans.map(\.name)
        }
    }

    func update(_ name: String, _ change: (inout ProbeRunStats) -> Void) {
        board.withLock { b in
            guard b.entries[name] != nil else { return }
            change(&b.entries[name]!.stats)
        }
    }

    func ran(_ name: String, state: ProbeState?) {
        board.withLock { b in
            guard b.entries[name] != nil else { return }
            b.entries[name]!.ranOnce = true
            if let state { b.entries[name]!.state = state }
        }
    }

    var pending: [String] { pendingAndTotal.pending }

    var pendingAndTotal: (pending: [String], total: Int) {
        board.withLock { b in (b.order.filter { b.entries[$0]?.ranOnce != true }, b.order.count) }
    }

    func states() -> [ProbeState] {
        board.withLock { b in b.entries.values.compactMap(\.state) }.sorted { $0.name < $1.name }
    }

    func runStats() -> [String: ProbeRunStats] {
        board.withLock { b in b.entries.mapValues(\.stats) }
    }
}

/// The schedule and in-flight runs of every probe. Confined to the `CurlClient` loop thread:
/// every method runs inside `execute` work or a loop callback, which is why it may be
/// `@unchecked Sendable` (it is handed to the loop, never used concurrently).
final class ProbeEngine: @unchecked Sendable {
    private struct Entry {
        var plan: ProbePlan
        var series: ProbeMetrics.Series
        var schedule: ProbeSchedule
        /// Bumped when the schedule is replaced; stale timers compare it and do nothing.
        var generation: Int
        var timer: CurlLoopToken?
        var runID = 0
        var running = false
        var transfer: CurlLoopToken?
        var lastSuccess: Bool?
    }

    private let metrics: ProbeMetrics
    private let board: ProbeBoard
    private let record: ProbeExecution.Record
    private let mayProbeSpend: @Sendable (String, String, String, Int) -> Bool
    private let classifyTransport: ProbeExecution.Record?
    private let onEvent: @Sendable (ServiceEvent) -> Void
    private let spread: Double
    private var entries: [String: Entry] = [:]
    private var nextGeneration = 0

    init(metrics: ProbeMetrics, board: ProbeBoard, record: @escaping ProbeExecution.Record,
         mayProbeSpend: @escaping @Sendable (String, String, String, Int) -> Bool,
         classifyTransport: ProbeExecution.Record?, onEvent: @escaping @Sendable (ServiceEvent) -> Void,
         spread: Double) {
        self.metrics = metrics
        self.board = board
        self.record = record
        self.mayProbeSpend = mayProbeSpend
        self.classifyTransport = classifyTransport
        self.onEvent = onEvent
        self.spread = spread
    }

    func apply(_ plans: [ProbePlan], loop: CurlLoop) {
        loop.reloadTrustStores()
        let names = Set(plans.map(\.name))
        for (name, entry) in entries where !names.contains(name) {
            if let timer = entry.timer { loop.cancelTimer(timer) }
            if let transfer = entry.transfer { loop.cancelTransfer(transfer) }
            metrics.remove(probe: name)
            entries.removeValue(forKey: name)
        }
        let now = loop.now
        for plan in plans {
            if var entry = entries[plan.name] {
                guard entry.plan != plan else { continue }
                let old = entry.plan
                entry.plan = plan
                entry.series = metrics.series(for: plan)
                let oldLabels = [old.name, old.kind.rawValue, old.target.provider, old.target.region]
                if entry.series.successLabels != oldLabels { metrics.removeSuccess(labels: oldLabels) }
                if old.config.interval != plan.config.interval {
                    if let timer = entry.timer { loop.cancelTimer(timer) }
                    entry.schedule = ProbeSchedule(anchor: now, interval: plan.config.interval, name: plan.name, spread: spread)
                    entry.generation = makeGeneration()
                    entries[plan.name] = entry
                    arm(plan.name, run: 0, loop: loop)
                } else {
                    entries[plan.name] = entry
                }
            } else {
                entries[plan.name] = Entry(plan: plan, series: metrics.series(for: plan),
                                           schedule: ProbeSchedule(anchor: now, interval: plan.config.interval,
                                                                   name: plan.name, spread: spread),
                                           generation: makeGeneration())
                arm(plan.name, run: 0, loop: loop)
            }
        }
    }

    private func makeGeneration() -> Int {
        nextGeneration += 1
        return nextGeneration
    }

    private func arm(_ name: String, run k: Int, loop: CurlLoop) {
        guard let entry = entries[name] else { return }
        let generation = entry.generation
        entries[name]!.timer = loop.schedule(at: entry.schedule.due(k)) { [self] loop in
            fire(name, run: k, generation: generation, loop: loop)
        }
    }

    private func fire(_ name: String, run k: Int, generation: Int, loop: CurlLoop) {
        guard var entry = entries[name], entry.generation == generation else { return }
        let now = loop.now
        let lateness = now - entry.schedule.due(k)
        let next = entry.schedule.nextIndex(after: k, now: now)
        board.update(name) { s in
            if lateness > entry.schedule.lateThreshold { s.late += 1 }
            s.maxLateness = max(s.maxLateness, lateness)
            s.missed += next - k - 1
        }
        entry.timer = nil
        entries[name] = entry
        arm(name, run: next, loop: loop)

        let plan = entry.plan
        if entry.running {
            board.update(name) { $0.overruns += 1 }
            metrics.update(entry.series, with: ProbeExecution.skipped(plan, reason: "overrun"))
            onEvent(ServiceEvent(level: .warning, message: "probe run skipped: the previous run is still in flight",
                                  metadata: ["probe": name, "interval": ConfigDuration.format(plan.config.interval)]))
            return
        }
        if plan.spendsBudget && !mayProbeSpend(plan.target.provider, plan.target.region, plan.model, plan.config.minRemaining) {
            board.update(name) { $0.budgetSkips += 1 }
            metrics.update(entry.series, with: ProbeExecution.skipped(plan, reason: "budget"))
            board.ran(name, state: nil)
            onEvent(ServiceEvent(level: .info, message: "probe run skipped: rate-limit headroom below min_remaining",
                                  metadata: ["probe": name, "model": plan.model, "min_remaining": String(plan.config.minRemaining)]))
            return
        }
        entry.runID += 1
        entry.running = true
        entry.transfer = nil
        entries[name] = entry
        board.update(name) { $0.started += 1 }
        let runID = entry.runID
        let token = ProbeExecution.start(plan, on: loop, record: record, classifyTransport: classifyTransport) { [self] result in
            complete(name, runID: runID, result: result)
        }
        if entries[name]?.running == true && entries[name]?.runID == runID {
            entries[name]!.transfer = token
        }
    }

    private func complete(_ name: String, runID: Int, result: ProbeResult) {
        guard var entry = entries[name], entry.runID == runID, entry.running else { return }
        entry.running = false
        entry.transfer = nil
        let previous = entry.lastSuccess
        entry.lastSuccess = result.success
        entries[name] = entry
        metrics.update(entry.series, with: result)
        board.update(name) { $0.completed += 1 }
        board.ran(name, state: ProbeState(name: name, provider: result.provider, region: result.region,
                                          success: result.success, lastClassification: result.classification))
        if result.success, previous == false {
            onEvent(ServiceEvent(level: .info, message: "probe recovered", metadata: ["probe": name]))
        } else if !result.success, previous != false {
            var metadata = ["probe": name, "kind": result.kind.rawValue, "url": result.url]
            if let c = result.classification {
                metadata["class"] = c.errorClass.rawValue
                metadata["reason"] = c.reason
            }
            if let status = result.statusCode { metadata["status"] = String(status) }
            if case let .curl(code, message)? = result.transportFailure {
                metadata["curl_code"] = String(code)
                metadata["error"] = message
            }
            onEvent(ServiceEvent(level: .warning, message: "probe failing", metadata: metadata))
        }
    }
}
