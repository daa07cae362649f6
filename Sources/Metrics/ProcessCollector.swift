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
