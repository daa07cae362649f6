import Foundation
import GatewatchCore
import Metrics

/// Why the log tailer cannot run.
public enum LogTailError: Error, CustomStringConvertible, Equatable {
    /// The state directory cannot be created or written.
    case stateDirectory(path: String, reason: String)
    /// A file given to `replay` cannot be read.
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .stateDirectory(let path, let reason): return "state directory \(path): \(reason)"
        case .unreadableFile(let path, let reason): return "\(path): \(reason)"
        }
    }
}

/// Follows every configured log source on one background thread and turns its lines into
/// records for `ingest` and the log tailing metric families.
///
/// Exactly-once as Prometheus sees it: lines become records and counter increments only while
/// holding the scrape gate, and `withScrapeCheckpoint` persists, under the same gate, the
/// positions that match what the counters include. After any stop (crash or graceful), a new
/// service on the same state directory resumes at the last scrape's checkpoint.
public final class LogTailService: Sendable {
    private let metrics: LogTailMetrics
    private let ingest: @Sendable (RequestRecord) -> Void
    private let onEvent: @Sendable (ServiceEvent) -> Void
    private let gate = TailGate()
    private let wakeup = Wakeup()
    private let control = ControlBox()

    /// - Parameter ingest: called with each line's record, on the tail thread. The record
    ///   borrows the line's bytes (its request id and headers): keep `record.owned()`.
    public init(registry: MetricsRegistry, ingest: @escaping @Sendable (RequestRecord) -> Void,
                onEvent: @escaping @Sendable (ServiceEvent) -> Void) {
        self.metrics = LogTailMetrics(registry: registry)
        self.ingest = ingest
        self.onEvent = onEvent
    }

    /// Start or reconfigure: unchanged sources keep running (and their counters); removed ones
    /// stop; new ones start. Returns once every source has found its files and chosen where each
    /// starts (reading goes on in the background). Throws only for an unusable state directory.
    public func apply(_ sources: [LogSourceConfig], stateDirectory: String) throws {
        guard FileSystem.makeDirectories(stateDirectory) else {
            throw LogTailError.stateDirectory(path: stateDirectory, reason: "cannot create the directory")
        }
        guard FileSystem.isWritableDirectory(stateDirectory) else {
            throw LogTailError.stateDirectory(path: stateDirectory, reason: "not writable")
        }
        var saved: [String: [FilePosition]] = [:]
        let checkpointPath = Checkpoint.path(in: stateDirectory)
        if let bytes = FileSystem.readWholeFile(checkpointPath) {
            if let decoded = Checkpoint.decode(bytes) {
                saved = decoded
            } else {
                onEvent(ServiceEvent(level: .warning, message: "ignoring unreadable log checkpoint file",
                                     metadata: ["path": checkpointPath]))
            }
        }
        let (generation, startThread) = control.withLock { c -> (Int, Bool) in
            if c.stateDirectory != stateDirectory {
                c.saved = saved
                c.stateDirectory = stateDirectory
            }
            c.desired = sources
            c.requested += 1
            let start = !c.running
            if start {
                c.running = true
                c.stopping = false
            }
            return (c.requested, start)
        }
        gate.withLock { gate.checkpointPath = checkpointPath; gate.stopped = false }
        if startThread {
            let thread = Thread { [self] in self.run() }
            thread.name = "gatewatch-logtail"
            thread.start()
        }
        wakeup.signal()
        control.wait(until: { $0.applied >= generation || !$0.running })
    }

    /// Called by the /metrics handler around rendering: pauses delivery, persists (atomically:
    /// temp file, fsync, rename) the positions that correspond exactly to what the counters
    /// include, runs `body`, resumes. Persists nothing before the first `apply` or after `stop`.
    public func withScrapeCheckpoint<T>(_ body: () throws -> T) rethrows -> T {
        try gate.withLock {
            persistLocked()
            return try body()
        }
    }

    /// Stops following and closes every file. Does NOT persist positions: a restart resumes
    /// from the last scrape's checkpoint, so every line counts once in what Prometheus saw.
    public func stop() {
        let wasRunning = control.withLock { c -> Bool in
            guard c.running else { return false }
            c.stopping = true
            return true
        }
        guard wasRunning else { return }
        gate.withLock { gate.stopped = true }
        wakeup.signal()
        control.wait(until: { !$0.running })
    }

    /// Writes the checkpoint if positions changed since the last write. Gate held.
    private func persistLocked() {
        guard !gate.stopped, let path = gate.checkpointPath, gate.generation != gate.writtenGeneration else { return }
        var sources: [String: [FilePosition]] = [:]
        for (name, files) in gate.positions {
            sources[name] = Array(files.values)
        }
        switch FileSystem.writeAtomically(path, Checkpoint.encode(sources)) {
        case .success:
            gate.writtenGeneration = gate.generation
        case .failure(let error):
            onEvent(ServiceEvent(level: .error, message: "cannot write the log checkpoint file",
                                 metadata: ["path": path, "error": error.description]))
        }
    }

    // MARK: the tail thread

    private func run() {
        let watcher = Watcher()
        var tailers: [String: SourceTailer] = [:]
        var appliedGeneration = 0
        let ingest = self.ingest
        let onEvent = self.onEvent
        while true {
            let (desired, generation, stopping, saved) = control.withLock { c in
                (c.desired, c.requested, c.stopping, c.saved)
            }
            if stopping { break }
            if generation != appliedGeneration {
                reconcile(&tailers, desired, saved: saved, ingest: ingest, onEvent: onEvent)
                let now = Date().timeIntervalSince1970
                for tailer in tailers.values { tailer.prepare(now: now) }
                appliedGeneration = generation
                control.withLock { $0.applied = generation }
            }
            let now = Date().timeIntervalSince1970
            for name in tailers.keys.sorted() {
                tailers[name]?.pass(now: now)
            }
            var dirs = Set<String>()
            for tailer in tailers.values { dirs.formUnion(tailer.directories) }
            watcher.retain(dirs)
            for dir in dirs { watcher.watch(directory: dir) }
            watcher.wait(timeoutMs: watcher.isAvailable ? 250 : 100, wakeup: wakeup)
        }
        for tailer in tailers.values { tailer.close(forget: false) }
        tailers.removeAll()
        control.withLock { $0.running = false }
    }

    private func reconcile(_ tailers: inout [String: SourceTailer], _ desired: [LogSourceConfig],
                           saved: [String: [FilePosition]],
                           ingest: @escaping @Sendable (RequestRecord) -> Void,
                           onEvent: @escaping @Sendable (ServiceEvent) -> Void) {
        let names = Set(desired.map(\.name))
        for (name, tailer) in tailers where !names.contains(name) {
            tailer.close(forget: true)
            tailers[name] = nil
            metrics.remove(log: name)
        }
        for config in desired {
            if let existing = tailers[config.name] {
                if existing.config == config { continue }
                existing.close(forget: false)
            }
            // A reconfigured source resumes where it stood; a known one from the saved checkpoint;
            // a new one starts per `start_at`.
            let current = gate.withLock { gate.positions[config.name].map { Array($0.values) } }
            let checkpoint = current ?? saved[config.name]
            tailers[config.name] = SourceTailer(
                config: config, counters: metrics.handles(for: config.name), gate: gate,
                checkpoint: checkpoint, ingest: ingest, emit: onEvent)
        }
    }
}

/// The control state shared by callers and the tail thread, with a condition to wait on.
/// `@unchecked Sendable`: the state is touched only inside `withLock`/`wait`, under `condition`.
private final class ControlBox: @unchecked Sendable {
    struct State {
        var desired: [LogSourceConfig] = []
        var requested = 0
        var applied = 0
        var running = false
        var stopping = false
        var stateDirectory: String?
        var saved: [String: [FilePosition]] = [:]
    }

    private let condition = NSCondition()
    private var state = State()

    func withLock<T>(_ body: (inout State) -> T) -> T {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return body(&state)
    }

    /// Waits until `predicate` holds (re-checked on every change, and every 100 ms).
    func wait(until predicate: (State) -> Bool) {
        condition.lock()
        defer { condition.unlock() }
        while !predicate(state) {
            _ = condition.wait(until: Date().addingTimeInterval(0.1))
        }
    }
}
