#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one file of LogTail that makes system calls (open, pread, fstat, glob, inotify, fsync,
/// rename). Everything else sees plain values: descriptors as `Int32`, errors as `FileError`.

/// A file's identity: device and inode. Stable across renames; reused only after the last
/// descriptor to the file is closed.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
}

struct FileStatus {
    var identity: FileIdentity
    var size: Int64
    var links: Int
    var isRegular: Bool
}

/// A failed system call: which, on what, and errno's message.
struct FileError: Error, CustomStringConvertible {
    var call: String
    var path: String
    var code: Int32

    var isPermission: Bool { code == EACCES || code == EPERM }
    var isNotFound: Bool { code == ENOENT || code == ENOTDIR }
    var description: String { "\(call) \(path): \(String(cString: strerror(code)))" }
}

enum FileSystem {
    static func status(path: String) -> Result<FileStatus, FileError> {
        var st = stat()
        guard stat(path, &st) == 0 else { return .failure(FileError(call: "stat", path: path, code: errno)) }
        return .success(status(st))
    }

    static func status(fd: Int32) -> FileStatus? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return status(st)
    }

    private static func status(_ st: stat) -> FileStatus {
        FileStatus(identity: FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)),
                   size: Int64(st.st_size), links: Int(st.st_nlink),
                   isRegular: (st.st_mode & S_IFMT) == S_IFREG)
    }

    static func openForReading(_ path: String) -> Result<Int32, FileError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(FileError(call: "open", path: path, code: errno)) }
        return .success(fd)
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Reads up to `count` bytes at `offset`; 0 at the end; -1 on error.
    static func pread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: Int64) -> Int {
        while true {
            let n = Glibc.pread(fd, buffer, count, off_t(offset))
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    /// Reads exactly the bytes `offset..<offset+count` (fewer at the end of the file).
    static func readBytes(_ fd: Int32, offset: Int64, count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let got = out.withUnsafeMutableBytes { raw -> Int in
            var total = 0
            while total < count {
                let n = pread(fd, raw.baseAddress! + total, count - total, offset + Int64(total))
                if n <= 0 { break }
                total += n
            }
            return total
        }
        out.removeLast(count - got)
        return out
    }

    /// The paths matching a glob pattern, sorted; regular files and links to them only.
    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var paths: [String] = []
        for k in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[k] {
                paths.append(String(cString: p))
            }
        }
        return paths.sorted()
    }

    /// The names in a directory (without `.` and `..`); empty when it cannot be read.
    static func directoryEntries(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Creates a directory and its parents; true when it exists afterwards.
    static func makeDirectories(_ path: String) -> Bool {
        var st = stat()
        if stat(path, &st) == 0 { return (st.st_mode & S_IFMT) == S_IFDIR }
        let parent = dirname(of: path)
        if parent != path && !parent.isEmpty { _ = makeDirectories(parent) }
        return mkdir(path, 0o755) == 0 || errno == EEXIST
    }

    static func isWritableDirectory(_ path: String) -> Bool {
        access(path, W_OK | X_OK) == 0
    }

    /// Writes `bytes` to `path` atomically: a temp file beside it, fsync, rename, fsync of the directory.
    static func writeAtomically(_ path: String, _ bytes: [UInt8]) -> Result<Void, FileError> {
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .failure(FileError(call: "open", path: temp, code: errno)) }
        var written = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return true
        }
        guard ok, fsync(fd) == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            unlink(temp)
            return .failure(FileError(call: "write", path: temp, code: code))
        }
        _ = Glibc.close(fd)
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            return .failure(FileError(call: "rename", path: path, code: code))
        }
        let dfd = open(dirname(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            _ = Glibc.close(dfd)
        }
        return .success(())
    }

    static func readWholeFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = Glibc.close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    static func dirname(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The directory part of a glob pattern before its first component with a metacharacter.
    static func staticDirectory(of pattern: String) -> String {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
        var fixed: [Substring] = []
        for part in parts.dropLast() {
            if part.contains(where: { "*?[".contains($0) }) { break }
            fixed.append(part)
        }
        if fixed.isEmpty { return pattern.hasPrefix("/") ? "/" : "." }
        let joined = fixed.joined(separator: "/")
        return joined.isEmpty ? "/" : joined
    }
}

/// Wakes a thread blocked in `Watcher.wait` from any thread (a non-blocking self-pipe).
final class Wakeup: Sendable {
    let fd: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for f in fds {
                _ = fcntl(f, F_SETFL, fcntl(f, F_GETFL) | O_NONBLOCK)
                _ = fcntl(f, F_SETFD, FD_CLOEXEC)
            }
        }
        fd = fds[0]
        writeFD = fds[1]
    }

    func signal() {
        var one: UInt8 = 1
        _ = write(writeFD, &one, 1)
    }

    func drain() {
        var sink = [UInt8](repeating: 0, count: 64)
        while sink.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    deinit {
        if fd >= 0 { _ = Glibc.close(fd) }
        if writeFD >= 0 { _ = Glibc.close(writeFD) }
    }
}

/// Directory change notification (inotify) with a timeout; when inotify is unavailable the
/// wait is a plain sleep of the timeout and callers poll. Used by one thread.
final class Watcher {
    private let inotifyFD: Int32
    private var watched: [String: Int32] = [:]

    init() {
        inotifyFD = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
    }

    var isAvailable: Bool { inotifyFD >= 0 }

    /// Watches a directory (idempotent); false when it cannot be watched (missing, no permission).
    @discardableResult
    func watch(directory: String) -> Bool {
        guard inotifyFD >= 0 else { return false }
        if watched[directory] != nil { return true }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB)
        let wd = inotify_add_watch(inotifyFD, directory, mask)
        guard wd >= 0 else { return false }
        watched[directory] = wd
        return true
    }

    /// Stops watching directories not in `keep`.
    func retain(_ keep: Set<String>) {
        for (dir, wd) in watched where !keep.contains(dir) {
            _ = inotify_rm_watch(inotifyFD, wd)
            watched[dir] = nil
        }
    }

    /// Waits up to `timeoutMs` for a change or a wakeup; drains pending events. True when woken by `wakeup`.
    @discardableResult
    func wait(timeoutMs: Int32, wakeup: Wakeup) -> Bool {
        var fds = [pollfd(fd: wakeup.fd, events: Int16(POLLIN), revents: 0)]
        if inotifyFD >= 0 {
            fds.append(pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0))
        }
        let n = poll(&fds, nfds_t(fds.count), timeoutMs)
        guard n > 0 else { return false }
        if fds.count > 1 && fds[1].revents != 0 {
            var buffer = [UInt8](repeating: 0, count: 16384)
            while true {
                let got = buffer.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress!, $0.count) }
                if got <= 0 { break }
            }
        }
        if fds[0].revents != 0 {
            wakeup.drain()
            return true
        }
        return false
    }

    deinit {
        if inotifyFD >= 0 { _ = Glibc.close(inotifyFD) }
    }
}
