import Foundation
import GatewatchCore
import Metrics

/// What a replay read.
public struct LogReplayStats: Sendable, Equatable {
    public var files = 0
    public var lines = 0
    public var bytes = 0
    /// Lines that became records.
    public var records = 0
    public var rejected: [LogRejection: Int] = [:]
    public var seconds = 0.0

    public init() {}
}

/// `gatewatch replay FILE...`: reads files once, from the beginning, through the same line
/// assembly and decoder as the tailer; no checkpoints, no following. A last line without a
/// newline counts as a line.
public enum LogReplay {
    /// The recorder a replay of `source` records into: `serve`'s families, headroom and status
    /// windows on `registry`, the source's provider dialect, and a one-entry failures ring
    /// (nothing queries it).
    public static func recorder(for source: LogSourceConfig, registry: MetricsRegistry) -> Recorder {
        let time = SystemTimeSource()
        let recorder = Recorder(registry: registry, headroom: HeadroomTracker(time: time),
                                failures: RecentFailures(capacity: 1, redactor: Redactor()),
                                windows: StatusWindows(time: time),
                                providerAPIs: [source.provider: source.api])
        recorder.exposeHeadroom(on: registry)
        return recorder
    }

    /// Replays `files` in order as lines of `source`. With a registry, the log tailing families
    /// count them as `serve` would. Throws `LogTailError.unreadableFile` for a file that cannot
    /// be opened or read (files before it have been ingested). As with `LogTailService`, each
    /// record handed to `ingest` borrows its line: keep `record.owned()`.
    public static func run(files: [String], source: LogSourceConfig, registry: MetricsRegistry?,
                           ingest: (RequestRecord) -> Void) throws -> LogReplayStats {
        let counters = registry.map { LogTailMetrics(registry: $0).handles(for: source.name) }
        var stats = LogReplayStats()
        let started = DispatchTime.now().uptimeNanoseconds
        let chunkSize = SourceTailer.chunkSize  // read as the tailer reads
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        try withoutActuallyEscaping(ingest) { ingest in
            let pipeline = RecordPipeline(source: source, ingest: ingest)
            var records = 0
            for path in files {
                let fd: Int32
                switch FileSystem.openForReading(path) {
                case .success(let opened): fd = opened
                case .failure(let error): throw LogTailError.unreadableFile(path: path, reason: error.description)
                }
                defer { FileSystem.close(fd) }
                var assembler = LineAssembler(maxLineBytes: source.maxLineBytes)
                var offset: Int64 = 0
                let now = Date().timeIntervalSince1970
                while true {
                    let n = FileSystem.pread(fd, buffer.baseAddress!, chunkSize, offset)
                    if n < 0 {
                        throw LogTailError.unreadableFile(path: path, reason: "read failed")
                    }
                    if n == 0 { break }
                    assembler.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) { line, _ in
                        pipeline.handle(line, now: now)
                    }
                    offset += Int64(n)
                    stats.bytes += n
                    tally(pipeline, into: &stats, records: &records, counters: counters, bytes: n)
                }
                assembler.finish { line in pipeline.handle(line, now: now) }
                tally(pipeline, into: &stats, records: &records, counters: counters, bytes: 0)
                stats.files += 1
            }
            stats.records = records
        }
        stats.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return stats
    }

    private static func tally(_ pipeline: RecordPipeline, into stats: inout LogReplayStats, records: inout Int,
                              counters: LogSourceCounters?, bytes: Int) {
        stats.lines += pipeline.lines
        var rejectedNow = 0
        for (k, reason) in LogRejection.allCases.enumerated() where pipeline.rejected[k] > 0 {
            stats.rejected[reason, default: 0] += pipeline.rejected[k]
            rejectedNow += pipeline.rejected[k]
        }
        records += pipeline.lines - rejectedNow
        pipeline.bytes = max(0, bytes)
        if counters != nil {
            pipeline.flush(to: counters)
        } else {
            pipeline.clearTallies()
        }
    }
}
