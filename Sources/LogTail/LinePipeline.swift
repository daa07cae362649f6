#if canImport(Glibc)
import Glibc
#endif
import GatewatchCore

/// Cuts a file's byte stream into lines: a partial line is buffered until its newline; a line
/// longer than `maxLineBytes` is skipped to its newline without being buffered whole. One per
/// followed file; not thread-safe.
struct LineAssembler {
    let maxLineBytes: Int
    private(set) var pending: [UInt8] = []
    private(set) var skipping = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// True when bytes of an unfinished line are held (or being skipped).
    var hasPartialLine: Bool { skipping || !pending.isEmpty }

    mutating func reset() {
        pending.removeAll()
        skipping = false
    }

    /// Feeds one chunk. For every line completed in it, calls `onLine(line, end)`: `line` is nil
    /// for a too-long line; `end` is the index in `chunk` just past the line's newline.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ onLine: (UnsafeBufferPointer<UInt8>?, Int) -> Void) {
        guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = chunk.count
        var start = 0
        while start < n {
            guard let hit = memchr(base + start, 0x0A, n - start) else { break }
            let nl = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if skipping {
                skipping = false
                onLine(nil, nl + 1)
            } else if pending.isEmpty {
                if nl - start > maxLineBytes {
                    onLine(nil, nl + 1)
                } else {
                    onLine(UnsafeBufferPointer(start: base + start, count: nl - start), nl + 1)
                }
            } else {
                let total = pending.count + (nl - start)
                if total > maxLineBytes {
                    pending.removeAll()
                    onLine(nil, nl + 1)
                } else {
                    pending.append(contentsOf: UnsafeBufferPointer(start: base + start, count: nl - start))
                    pending.withUnsafeBufferPointer { onLine($0, nl + 1) }
                    pending.removeAll(keepingCapacity: pending.count <= 65536)
                }
            }
            start = nl + 1
        }
        if start < n && !skipping {
            if pending.count + (n - start) > maxLineBytes {
                pending.removeAll()
                skipping = true
            } else {
                pending.append(contentsOf: UnsafeBufferPointer(start: base + start, count: n - start))
            }
        }
    }

    /// The buffered partial line as a final line (a file's last line without a newline), then empties.
    mutating func finish(_ onLine: (UnsafeBufferPointer<UInt8>?) -> Void) {
        if skipping {
            onLine(nil)
        } else if !pending.isEmpty {
            pending.withUnsafeBufferPointer { onLine($0) }
        }
        reset()
    }
}

/// Decodes lines into records, hands each to `ingest`, and tallies what the source's counters
/// must add. Not thread-safe; the caller serializes.
final class RecordPipeline {
    let decoder: LogLineDecoder
    let ingest: (RequestRecord) -> Void
    var lines = 0
    var bytes = 0
    var rejected = [Int](repeating: 0, count: LogRejection.allCases.count)
    var newestTimestamp = -Double.infinity

    init(source: LogSourceConfig, ingest: @escaping (RequestRecord) -> Void) {
        decoder = LogLineDecoder(source: source)
        self.ingest = ingest
    }

    /// One complete line (nil: too long), read at time `now`.
    @inline(__always)
    func handle(_ line: UnsafeBufferPointer<UInt8>?, now: Double) {
        lines += 1
        guard let line else {
            rejected[2] += 1
            return
        }
        let reason = decoder.decode(line, now: now) { record in
            if record.startTime > newestTimestamp { newestTimestamp = record.startTime }
            ingest(record)
        }
        if let reason {
            switch reason {
            case .malformedJSON: rejected[0] += 1
            case .missingField: rejected[1] += 1
            case .lineTooLong: rejected[2] += 1
            case .invalidValue: rejected[3] += 1
            }
        }
    }

    /// Adds the tallies to the counters and clears them.
    func flush(to counters: LogSourceCounters?) {
        guard let counters else { return }
        if lines > 0 { counters.lines.inc(Double(lines)) }
        if bytes > 0 { counters.bytes.inc(Double(bytes)) }
        for k in rejected.indices where rejected[k] > 0 {
            counters.rejected[k].inc(Double(rejected[k]))
        }
        if newestTimestamp > counters.lastRecord.value { counters.lastRecord.set(newestTimestamp) }
        clearTallies()
    }

    func clearTallies() {
        lines = 0
        bytes = 0
        for k in rejected.indices { rejected[k] = 0 }
        newestTimestamp = -Double.infinity
    }
}
