import Foundation
import GatewatchCore
import LogTail
import Metrics

/// `GatewatchBench ingest generate FILE [LINES]`: writes a realistic JSON-lines request log.
/// `GatewatchBench ingest replay FILE [--repeat N] [--decode-only]`: replays it through LogReplay
/// (line assembly, decoder, log tailing counters) into the Recorder, as `gatewatch replay` does
/// (or, with `--decode-only`, into a closure that only counts), on one thread, in process (so
/// `valgrind --tool=callgrind` can count its instructions), and prints lines/s.
enum IngestBenchmark {
    static func run(_ args: [String]) {
        switch args.first {
        case "generate":
            guard args.count >= 2 else { return usage() }
            let lines = args.count >= 3 ? Int(args[2]) ?? 1_000_000 : 1_000_000
            generate(path: args[1], lines: lines)
        case "validate":
            guard args.count >= 2 else { return usage() }
            validate(path: args[1])
        case "replay":
            guard args.count >= 2 else { return usage() }
            var repeats = 3
            if let k = args.firstIndex(of: "--repeat"), k + 1 < args.count, let n = Int(args[k + 1]) { repeats = max(1, n) }
            replay(path: args[1], repeats: repeats, record: !args.contains("--decode-only"))
        default:
            usage()
        }
    }

    static func usage() {
        print("usage: GatewatchBench ingest generate FILE [LINES]\n       GatewatchBench ingest replay FILE [--repeat N] [--decode-only]")
    }

    /// A deterministic mix: mostly 200s with rate-limit headers, 429s, 5xx, 400s with the
    /// seeds' bodies, transport failures, truncated answers, speech API lines with URLs.
    static func generate(path: String, lines: Int) {
        var rng = SplitMix64(seed: 42)
        let models = ["claude-sonnet-4-6", "gpt-4.1-mini", "claude-haiku-4-5", "gemini-2.5-flash", "llama-3.3-70b"]
        let regions = ["us", "eu", "llm-gateway.eu.assemblyai.com", "https://llm-gateway.assemblyai.com/v1/chat/completions"]
        var out = [UInt8]()
        out.reserveCapacity(lines * 330)
        var ts = 1_795_000_000.0
        for n in 0..<lines {
            ts += Double(rng.next() % 1000) / 10000
            let model = models[Int(rng.next() % UInt64(models.count))]
            let region = regions[Int(rng.next() % UInt64(regions.count))]
            let roll = rng.next() % 1000
            let rid = String(format: "%08x-%04x-4%03x-a%03x-%012llx", UInt32(truncatingIfNeeded: rng.next()),
                             UInt16(truncatingIfNeeded: rng.next()), n % 4096, n % 4096, rng.next() & 0xFFFF_FFFF_FFFF)
            let latency = Double(rng.next() % 2_000_000) / 1000
            let remaining = rng.next() % 30
            var line: String
            let headers = #"{"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "\#(remaining)", "X-RateLimit-Reset": "\#(rng.next() % 60)", "X-RateLimit-Model": "\#(model)"}"#
            switch roll {
            case 0..<850:
                let finish = roll < 20 ? "length" : "stop"
                line = #"{"timestamp": \#(ts), "region": "\#(region)", "model": "\#(model)", "status_code": 200, "request_id": "\#(rid)", "error": null, "latency_ms": \#(latency), "finish_reason": "\#(finish)", "headers": \#(headers)}"#
            case 850..<920:
                line = #"{"timestamp": \#(ts), "region": "\#(region)", "model": "\#(model)", "status_code": 429, "request_id": "\#(rid)", "error": {"error": "Rate limit exceeded for model \#(model). Please retry after 41 seconds."}, "latency_ms": \#(latency), "headers": \#(headers)}"#
            case 920..<950:
                line = #"{"timestamp": \#(ts), "region": "\#(region)", "model": "\#(model)", "status_code": 500, "request_id": "\#(rid)", "error": {"error": "Internal server error"}, "latency_ms": \#(latency)}"#
            case 950..<970:
                line = #"{"timestamp": \#(ts), "region": "\#(region)", "model": "\#(model)", "status_code": 400, "request_id": "\#(rid)", "error": {"error": "Invalid request", "metadata": {"errors": ["messages: Field required"]}}, "latency_ms": \#(latency)}"#
            case 970..<985:
                line = #"{"timestamp": \#(ts), "region": "\#(region)", "model": "\#(model)", "status_code": 0, "request_id": null, "error": "Operation timed out after 30000 milliseconds with 0 bytes received", "latency_ms": 30000}"#
            default:
                line = #"{"timestamp": "2026-11-18T09:\#(String(format: "%02d", n % 60)):00.\#(n % 1000)Z", "url": "https://api.eu.assemblyai.com/v2/transcript", "provider": "assemblyai_speech", "model": "", "status_code": 200, "request_id": "\#(rid)", "error": {"status": "error", "error": "Transcoding failed. File does not appear to contain audio."}, "duration_seconds": \#(latency / 1000)}"#
            }
            out.append(contentsOf: line.utf8)
            out.append(0x0A)
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(out)) else {
            print("cannot write \(path)")
            return
        }
        print("wrote \(lines) lines, \(out.count) bytes to \(path)")
    }

    /// The scanner alone: validates every line, builds nothing. The floor under `replay`.
    static func validate(path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return print("cannot read \(path)") }
        let bytes = [UInt8](data)
        let cpu0 = cpuSeconds()
        var valid = 0, lines = 0
        bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            var start = 0
            while start < all.count, let hit = memchr(base + start, 0x0A, all.count - start) {
                let k = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if LogLineDecoder.isJSON(UnsafeBufferPointer(start: base + start, count: k - start)) { valid += 1 }
                lines += 1
                start = k + 1
            }
        }
        let cpu = cpuSeconds() - cpu0
        print(String(format: "scanner only: %d lines (%d valid), %.3f s CPU, %.0f lines per CPU-second", lines, valid, cpu, Double(lines) / cpu))
    }

    static func replay(path: String, repeats: Int, record: Bool) {
        let source = LogSourceConfig(name: "bench", paths: [path], startAt: .beginning)
        var best = Double.infinity
        var bestCPU = Double.infinity
        var stats = LogReplayStats()
        for _ in 0..<repeats {
            // The recorder `gatewatch replay` uses (in process, so callgrind can count it).
            let registry = MetricsRegistry()
            let recorder = LogReplay.recorder(for: source, registry: registry)
            let cpu0 = cpuSeconds()
            // Decode only: the records are counted through a pointer (a captured `var` would be
            // boxed, with a runtime exclusivity check per record that replay does not have).
            let count = UnsafeMutablePointer<Int>.allocate(capacity: 1)
            count.initialize(to: 0)
            defer { count.deallocate() }
            do {
                stats = try LogReplay.run(files: [path], source: source, registry: registry,
                                          ingest: record ? { recorder.record($0) } : { _ in count.pointee &+= 1 })
            } catch {
                print("replay failed: \(error)")
                return
            }
            bestCPU = min(bestCPU, cpuSeconds() - cpu0)
            best = min(best, stats.seconds)
        }
        let rate = Double(stats.lines) / best
        let cpuRate = Double(stats.lines) / bestCPU
        print(String(format: "gatewatch ingest%@: %d lines (%d records, %d rejected), best of %d: %.3f s wall (%.0f lines/s), %.3f s CPU (%.0f lines per CPU-second)",
                     record ? "" : " (decode only)", stats.lines, stats.records, stats.rejected.values.reduce(0, +), repeats, best, rate, bestCPU, cpuRate))
        print("RESULT wall_lines_per_second=\(Int(rate)) cpu_lines_per_second=\(Int(cpuRate))")
    }
}

/// CPU time of this process (user + system), seconds.
func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
