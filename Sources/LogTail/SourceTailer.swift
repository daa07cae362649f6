import Foundation
import GatewatchCore

/// The scrape gate: held while lines become records and counters (by the tail thread, one chunk
/// at a time) and while a scrape persists positions and renders, so the two always agree.
/// `positions` is the committed position of every open file, per log source.
///
/// `@unchecked Sendable`: every stored property is read and written only with `lock` held.
final class TailGate: @unchecked Sendable {
    private let lock = NSLock()
    var positions: [String: [FileIdentity: FilePosition]] = [:]
    /// Bumped on every change of `positions`, to skip writing an unchanged checkpoint.
    var generation = 0
    var writtenGeneration = -1
    var checkpointPath: String?
    /// Set by `stop()`: the positions no longer match a running service; nothing is persisted.
    var stopped = false

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// One open log file and where reading it stands. Owned by the tail thread.
final class TailedFile {
    let fd: Int32
    let identity: FileIdentity
    var path: String
    /// Next byte to read.
    var readOffset: Int64
    /// Just past the last complete line handed on (what a checkpoint records).
    var committed: Int64
    var assembler: LineAssembler
    var fingerprint: UInt64 = 0
    var fingerprintLength = 0
    /// No longer reachable through the source's globs (renamed away or deleted).
    var detached = false
    /// When data last arrived, or when the file was detached.
    var lastActivity: Double
    var lastSize: Int64

    init(fd: Int32, identity: FileIdentity, path: String, offset: Int64, size: Int64, maxLineBytes: Int, now: Double) {
        self.fd = fd
        self.identity = identity
        self.path = path
        self.readOffset = offset
        self.committed = offset
        self.assembler = LineAssembler(maxLineBytes: maxLineBytes)
        self.lastActivity = now
        self.lastSize = size
    }

    var position: FilePosition {
        FilePosition(path: path, identity: identity, fingerprint: fingerprint,
                     fingerprintLength: fingerprintLength, offset: committed)
    }

    /// Hashes the first `length` bytes; false when the file is shorter.
    func headMatches(length: Int, fingerprint expected: UInt64) -> Bool {
        guard length > 0 else { return true }
        let head = FileSystem.readBytes(fd, offset: 0, count: length)
        return head.count == length && Checkpoint.fingerprint(head) == expected
    }

    /// Extends the head fingerprint up to `Checkpoint.fingerprintBytes` as the file grows.
    func refreshFingerprint() {
        let want = Int(min(Int64(Checkpoint.fingerprintBytes), readOffset))
        guard want > fingerprintLength else { return }
        let head = FileSystem.readBytes(fd, offset: 0, count: want)
        fingerprintLength = head.count
        fingerprint = Checkpoint.fingerprint(head)
    }
}

/// Follows the files of one log source: globs rescanned on every pass, rotation by rename or
/// re-creation (the old file drained first and released once idle), copytruncate, checkpoints.
/// Driven by the tail thread only.
final class SourceTailer {
    /// How long a renamed-away or deleted file stays open after its last write.
    static let rotateWait = 1.0
    /// Bytes per read. Measured on the 1M-line bench log (`gatewatch replay`, 3 runs each):
    /// 128 or 256 KiB spent 0.25-0.32 s of system time copying the file in, 16-64 KiB
    /// 0.09-0.14 s, the same user time; a buffer this size stays in the core's cache between
    /// the kernel's copy and the decoder's read.
    static let chunkSize = 64 * 1024
    /// Bytes read from one file per pass before giving the others a turn.
    static let maxBytesPerPass: Int64 = 64 * 1024 * 1024

    let config: LogSourceConfig
    private let counters: LogSourceCounters
    private let gate: TailGate
    private let pipeline: RecordPipeline
    private let emit: (ServiceEvent) -> Void
    private var files: [FileIdentity: TailedFile] = [:]
    private var resume: [FilePosition]
    private let firstRun: Bool
    private var initialScanDone = false
    private var failing: [String: String] = [:]
    private let buffer: UnsafeMutableRawBufferPointer

    init(config: LogSourceConfig, counters: LogSourceCounters, gate: TailGate, checkpoint: [FilePosition]?,
         ingest: @escaping (RequestRecord) -> Void, emit: @escaping (ServiceEvent) -> Void) {
        self.config = config
        self.counters = counters
        self.gate = gate
        self.pipeline = RecordPipeline(source: config, ingest: ingest)
        self.emit = emit
        self.resume = checkpoint ?? []
        self.firstRun = checkpoint == nil
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: SourceTailer.chunkSize, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    /// The directories to watch for changes.
    var directories: Set<String> {
        var dirs = Set(config.paths.map { FileSystem.staticDirectory(of: $0) })
        for file in files.values { dirs.insert(FileSystem.dirname(of: file.path)) }
        return dirs
    }

    var openFileCount: Int { files.count }

    /// Closes every file; with `forget`, also drops the source's positions (it was removed).
    func close(forget: Bool) {
        if forget {
            gate.withLock {
                gate.positions[config.name] = nil
                gate.generation += 1
            }
        }
        for file in files.values { FileSystem.close(file.fd) }
        files.removeAll()
    }

    /// Finds the files and chooses where each starts, reading nothing yet.
    func prepare(now: Double) {
        scan(now: now)
        counters.filesWatched.set(Double(files.count))
    }

    /// One pass: rescan the globs, read everything new, release drained rotated files.
    func pass(now: Double) {
        scan(now: now)
        let ordered = files.values.sorted { a, b in
            a.detached != b.detached ? a.detached : a.path < b.path
        }
        var lag: Int64 = 0
        for file in ordered {
            read(file, now: now)
            lag += max(0, file.lastSize - file.readOffset)
        }
        for file in ordered where file.detached && file.readOffset >= file.lastSize
            && now - file.lastActivity >= SourceTailer.rotateWait {
            release(file, now: now)
        }
        counters.filesWatched.set(Double(files.count))
        counters.lagBytes.set(Double(lag))
    }

    private func event(_ level: ServiceEvent.Level, _ message: String, _ meta: [String: String] = [:]) {
        var m = meta
        m["log"] = config.name
        emit(ServiceEvent(level: level, message: message, metadata: m))
    }

    // MARK: scanning

    private func scan(now: Double) {
        var seen: [FileIdentity: String] = [:]
        var seenOrder: [FileIdentity] = []
        for pattern in config.paths {
            for path in FileSystem.glob(pattern) {
                switch FileSystem.status(path: path) {
                case .success(let st) where st.isRegular:
                    if seen[st.identity] == nil {
                        seen[st.identity] = path
                        seenOrder.append(st.identity)
                    }
                default:
                    continue
                }
            }
        }
        for (identity, file) in files {
            if let path = seen[identity] {
                file.path = path
                if file.detached {
                    file.detached = false
                    file.lastActivity = now
                }
            } else if !file.detached {
                file.detached = true
                file.lastActivity = now
                counters.rotations.inc()
                event(.info, "log file rotated or removed; reading it to its end", ["path": file.path])
            }
        }
        let initial = !initialScanDone
        for identity in seenOrder where files[identity] == nil {
            guard let path = seen[identity] else { continue }
            open(path, identity: identity, initial: initial, now: now)
        }
        if initial {
            initialScanDone = true
            findRotatedWhileDown(now: now)
            resume = []
        }
    }

    private func open(_ path: String, identity: FileIdentity, initial: Bool, now: Double) {
        let fd: Int32
        switch FileSystem.openForReading(path) {
        case .success(let opened):
            fd = opened
        case .failure(let error):
            if error.isNotFound { return } // vanished since the glob
            if failing[path] == nil {
                failing[path] = error.description
                counters.fileErrors.inc()
                event(.warning, "cannot open log file; retrying", ["path": path, "error": error.description])
            }
            return
        }
        if failing.removeValue(forKey: path) != nil {
            event(.info, "log file readable again", ["path": path])
        }
        guard let st = FileSystem.status(fd: fd), st.identity == identity else {
            // Replaced between stat and open: the next pass sees the new one.
            FileSystem.close(fd)
            return
        }
        var offset: Int64 = 0
        var resumed: FilePosition?
        if initial, let entry = resume.first(where: { $0.identity == identity }) {
            let probe = TailedFile(fd: fd, identity: identity, path: path, offset: 0, size: st.size,
                                   maxLineBytes: config.maxLineBytes, now: now)
            if probe.headMatches(length: entry.fingerprintLength, fingerprint: entry.fingerprint) {
                resumed = entry
                if entry.offset <= st.size {
                    offset = entry.offset
                } else {
                    counters.truncations.inc()
                }
            }
        }
        if resumed == nil && initial && firstRun && config.startAt == .end {
            offset = SourceTailer.endOfLastLine(fd: fd, size: st.size)
        } else if resumed == nil, let original = copySource(fd: fd, size: st.size) {
            // A copy of a followed file (copy or copytruncate, with a glob that matches rotated
            // names): its content is the original's, read from there (and, should the original be
            // truncated before we caught up, from this copy by `handleTruncation`).
            offset = st.size
            event(.info, "new log file is a copy of a followed one; not reading it again",
                  ["path": path, "original": original.path])
        }
        let file = TailedFile(fd: fd, identity: identity, path: path, offset: offset, size: st.size,
                              maxLineBytes: config.maxLineBytes, now: now)
        file.lastSize = offset // so the first read looks at it
        file.refreshFingerprint()
        files[identity] = file
        gate.withLock { commit(file) }
        event(.debug, "following log file", ["path": path, "offset": String(offset)])
    }

    /// Files of the checkpoint renamed away while gatewatch was down: found by inode beside
    /// their old path, and read from the checkpointed offset.
    private func findRotatedWhileDown(now: Double) {
        for entry in resume where files[entry.identity] == nil {
            let dir = FileSystem.dirname(of: entry.path)
            for name in FileSystem.directoryEntries(dir) {
                let path = dir + "/" + name
                guard case .success(let st) = FileSystem.status(path: path), st.isRegular,
                      st.identity == entry.identity, st.size >= entry.offset,
                      case .success(let fd) = FileSystem.openForReading(path) else { continue }
                let file = TailedFile(fd: fd, identity: entry.identity, path: path, offset: entry.offset,
                                      size: entry.offset, maxLineBytes: config.maxLineBytes, now: now)
                guard file.headMatches(length: entry.fingerprintLength, fingerprint: entry.fingerprint) else {
                    FileSystem.close(fd)
                    continue
                }
                file.fingerprint = entry.fingerprint
                file.fingerprintLength = entry.fingerprintLength
                file.detached = true
                files[entry.identity] = file
                gate.withLock { commit(file) }
                counters.rotations.inc()
                event(.info, "log file rotated while stopped; reading it to its end", ["path": path])
                break
            }
        }
    }

    /// The followed file whose full head fingerprint this new file shares, if any.
    private func copySource(fd: Int32, size: Int64) -> TailedFile? {
        let length = Checkpoint.fingerprintBytes
        guard size >= Int64(length) else { return nil }
        let candidates = files.values.filter { $0.fingerprintLength == length }
        guard !candidates.isEmpty else { return nil }
        let head = FileSystem.readBytes(fd, offset: 0, count: length)
        guard head.count == length else { return nil }
        let fp = Checkpoint.fingerprint(head)
        return candidates.first { $0.fingerprint == fp }
    }

    /// Where `start_at: end` starts: just past the last newline, so a line being written is read whole.
    static func endOfLastLine(fd: Int32, size: Int64) -> Int64 {
        guard size > 0 else { return 0 }
        let window = min(size, 65536)
        let tail = FileSystem.readBytes(fd, offset: size - window, count: Int(window))
        if let last = tail.lastIndex(of: 0x0A) {
            return size - window + Int64(last) + 1
        }
        return window == size ? 0 : size
    }

    // MARK: reading

    /// Records a file's position for the next checkpoint. Gate held.
    private func commit(_ file: TailedFile) {
        gate.positions[config.name, default: [:]][file.identity] = file.position
        gate.generation += 1
    }

    private func read(_ file: TailedFile, now: Double) {
        guard let st = FileSystem.status(fd: file.fd) else { return }
        var truncated = st.size < file.readOffset
        if !truncated && st.size != file.lastSize && file.fingerprintLength > 0 {
            truncated = !file.headMatches(length: file.fingerprintLength, fingerprint: file.fingerprint)
        }
        if truncated {
            handleTruncation(file, now: now)
        }
        file.lastSize = st.size
        guard st.size > file.readOffset else { return }
        file.lastActivity = now
        var budget = SourceTailer.maxBytesPerPass
        while budget > 0 {
            let n = FileSystem.pread(file.fd, buffer.baseAddress!, buffer.count, file.readOffset)
            if n < 0 {
                counters.fileErrors.inc()
                event(.warning, "cannot read log file", ["path": file.path])
                return
            }
            if n == 0 { break }
            gate.withLock {
                consume(file, UnsafeRawBufferPointer(rebasing: buffer[0..<n]), now: now)
                commit(file)
            }
            budget -= Int64(n)
            if file.fingerprintLength < Checkpoint.fingerprintBytes { file.refreshFingerprint() }
        }
        file.lastSize = max(file.lastSize, file.readOffset)
    }

    /// Lines of one chunk become records and counts. Called with the gate held.
    private func consume(_ file: TailedFile, _ chunk: UnsafeRawBufferPointer, now: Double) {
        let base = file.readOffset
        let before = file.committed
        let pipeline = self.pipeline
        file.assembler.feed(chunk) { line, end in
            pipeline.handle(line, now: now)
            file.committed = base + Int64(end)
        }
        file.readOffset += Int64(chunk.count)
        pipeline.bytes += Int(file.committed - before)
        pipeline.flush(to: counters)
    }

    /// The file shrank or its head changed: copytruncate. What was written after our position
    /// and before the copy is read from the copy (a file beside it with the same head, followed
    /// or not: a followed copy starts at its end), then the file is read again from its beginning.
    private func handleTruncation(_ file: TailedFile, now: Double) {
        counters.truncations.inc()
        event(.info, "log file truncated; reading it from the beginning", ["path": file.path])
        gate.withLock {
            if let copy = findCopy(of: file) {
                let copyFile = TailedFile(fd: copy.fd, identity: copy.identity, path: copy.path,
                                          offset: file.committed, size: copy.size,
                                          maxLineBytes: config.maxLineBytes, now: now)
                var offset = file.committed
                while offset < copy.size {
                    let want = Int(min(Int64(buffer.count), copy.size - offset))
                    let n = FileSystem.pread(copy.fd, buffer.baseAddress!, want, offset)
                    if n <= 0 { break }
                    copyFile.readOffset = offset
                    consume(copyFile, UnsafeRawBufferPointer(rebasing: buffer[0..<n]), now: now)
                    offset += Int64(n)
                }
                FileSystem.close(copy.fd)
                event(.info, "read the end of the truncated file from its copy", ["path": copy.path])
            }
            file.readOffset = 0
            file.committed = 0
            file.assembler.reset()
            file.fingerprint = 0
            file.fingerprintLength = 0
            commit(file)
        }
        file.lastSize = 0
    }

    private func findCopy(of file: TailedFile) -> (fd: Int32, identity: FileIdentity, path: String, size: Int64)? {
        guard file.fingerprintLength > 0 else { return nil }
        let dir = FileSystem.dirname(of: file.path)
        let base = FileSystem.basename(of: file.path)
        // Likely names first (app.jsonl.1, app.jsonl-20261202), then anything else beside it.
        let names = FileSystem.directoryEntries(dir).filter { $0 != base }.sorted { a, b in
            a.hasPrefix(base) != b.hasPrefix(base) ? a.hasPrefix(base) : a < b
        }
        for name in names {
            let path = dir + "/" + name
            guard case .success(let st) = FileSystem.status(path: path), st.isRegular,
                  st.identity != file.identity, st.size >= file.committed,
                  case .success(let fd) = FileSystem.openForReading(path) else { continue }
            let head = FileSystem.readBytes(fd, offset: 0, count: file.fingerprintLength)
            if head.count == file.fingerprintLength && Checkpoint.fingerprint(head) == file.fingerprint {
                return (fd, st.identity, path, st.size)
            }
            FileSystem.close(fd)
        }
        return nil
    }

    /// Closes a drained rotated file; a last line without a newline counts as a line.
    private func release(_ file: TailedFile, now: Double) {
        gate.withLock {
            let before = pipeline.lines
            file.assembler.finish { line in pipeline.handle(line, now: now) }
            if pipeline.lines > before {
                pipeline.bytes += Int(file.readOffset - file.committed)
            }
            pipeline.flush(to: counters)
            gate.positions[config.name]?[file.identity] = nil
            gate.generation += 1
        }
        FileSystem.close(file.fd)
        files[file.identity] = nil
        event(.debug, "released rotated log file", ["path": file.path])
    }
}
