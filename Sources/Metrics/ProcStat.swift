import Foundation

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
