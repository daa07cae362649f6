import Foundation

/// Registers the standard `process_*` families and a collect hook that refreshes them from
/// /proc at every scrape, computed as Prometheus' client_golang does (procfs):
/// CPU = (utime + stime) / USER_HZ, RSS = rss pages × page size, start time = btime +
/// starttime / USER_HZ, open fds = entries of /proc/self/fd, max fds = the soft
/// "Max open files" limit. On other systems it registers nothing.
public enum ProcessCollector {
    public static func register(on registry: MetricsRegistry) {
        #if os(Linux)
        let cpu = registry.counter("process_cpu_seconds_total",
                                   help: "Total user and system CPU time spent in seconds.").labels()
        let resident = registry.gauge("process_resident_memory_bytes",
                                      help: "Resident memory size in bytes.").labels()
        let virtual = registry.gauge("process_virtual_memory_bytes",
                                     help: "Virtual memory size in bytes.").labels()
        let openFDs = registry.gauge("process_open_fds", help: "Number of open file descriptors.").labels()
        let maxFDs = registry.gauge("process_max_fds",
                                    help: "Maximum number of open file descriptors.").labels()
        let startTime = registry.gauge("process_start_time_seconds",
                                       help: "Start time of the process since unix epoch in seconds.").labels()
        let userHZ = Double(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        let pageSize = Double(max(sysconf(Int32(_SC_PAGESIZE)), 1))
        let bootTime = ProcStat.bootTime()
        registry.onCollect {
            if let stat = ProcStat.selfStat() {
                cpu.setTotal((stat.utime + stat.stime) / userHZ)
                resident.set(stat.rss * pageSize)
                virtual.set(stat.vsize)
                if let bootTime {
                    startTime.set(bootTime + stat.starttime / userHZ)
                }
            }
            if let count = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count {
                openFDs.set(Double(count))
            }
            if let limit = ProcStat.maxOpenFiles() {
                maxFDs.set(limit)
            }
        }
        #endif
    }
}

/// Parsers for the few /proc files the process collector reads.
enum ProcStat {
    struct SelfStat {
        var utime: Double
        var stime: Double
        var starttime: Double
        var vsize: Double
        var rss: Double
    }

    /// Fields of /proc/self/stat (proc(5)); the command name may hold spaces and parentheses,
    /// so fields are counted from the last `)`.
    static func selfStat(contents: String? = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)) -> SelfStat? {
        guard let contents, let close = contents.lastIndex(of: ")") else { return nil }
        // After ")": field 3 (state) is index 0.
        let fields = contents[contents.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? {
            let index = number - 3
            return index < fields.count ? Double(fields[index].trimmingCharacters(in: .whitespacesAndNewlines)) : nil
        }
        guard let utime = field(14), let stime = field(15), let starttime = field(22),
              let vsize = field(23), let rss = field(24) else { return nil }
        return SelfStat(utime: utime, stime: stime, starttime: starttime, vsize: vsize, rss: rss)
    }

    /// `btime` from /proc/stat: boot time in seconds since the epoch.
    static func bootTime(contents: String? = try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) -> Double? {
        guard let contents else { return nil }
        for line in contents.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst("btime ".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// The soft limit of "Max open files" in /proc/self/limits (`unlimited` → +Inf).
    static func maxOpenFiles(contents: String? = try? String(contentsOfFile: "/proc/self/limits", encoding: .utf8)) -> Double? {
        guard let contents else { return nil }
        for line in contents.split(separator: "\n") where line.hasPrefix("Max open files") {
            let rest = line.dropFirst("Max open files".count).split(separator: " ", omittingEmptySubsequences: true)
            guard let soft = rest.first else { return nil }
            return soft == "unlimited" ? .infinity : Double(soft)
        }
        return nil
    }
}
