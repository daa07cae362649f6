import Foundation

/// A probe's last result, as the status evaluator needs it.
public struct ProbeState: Sendable, Equatable {
    public var name: String
    public var provider: String
    public var region: String
    public var success: Bool
    /// The classification of the last failed run; nil when it succeeded (or was not classified).
    public var lastClassification: Classification?

    public init(name: String, provider: String, region: String, success: Bool, lastClassification: Classification? = nil) {
        self.name = name
        self.provider = provider
        self.region = region
        self.success = success
        self.lastClassification = lastClassification
    }
}

/// Turns windows, probe states and headroom into the `/api/v1/status` report.
///
/// A pure function of its inputs (no clock, no state): callable from any thread.
/// Rules, each adding a reason; the overall status is the worst:
/// - a failing probe marks its region down → critical;
/// - error ratio over the window ≥ `errorRatioCritical` → critical, else ≥ `errorRatioWarning` → warning;
/// - p95 latency over the window above `latencyP95Warning` → warning;
/// - a model's estimated headroom below `headroomWarning` → warning.
///
/// Regions are every (provider, region) seen in the windows, the probes or the headroom; models
/// are the headroom keys with observed headers. Reasons name the region alone (`eu: ...`) unless
/// two providers share that region name, then `provider/region: ...`.
public enum StatusEvaluator {
    public static func evaluate(windows: StatusWindowsSnapshot, probes: [ProbeState], headroom: [HeadroomSnapshot],
                                thresholds: StatusThresholds, now: Double) -> StatusReport {
        // Every region, sorted.
        var regionKeys = Set(windows.regions.keys)
        for p in probes { regionKeys.insert(StatusRegionKey(provider: p.provider, region: p.region)) }
        for h in headroom where h.observation != nil {
            regionKeys.insert(StatusRegionKey(provider: h.key.provider, region: h.key.region))
        }
        let sortedRegions = regionKeys.sorted()
        var providersPerRegion: [String: Int] = [:]
        for k in sortedRegions { providersPerRegion[k.region, default: 0] += 1 }
        func label(_ provider: String, _ region: String) -> String {
            (providersPerRegion[region] ?? 0) > 1 ? "\(provider)/\(region)" : region
        }

        var probesByRegion: [StatusRegionKey: [ProbeState]] = [:]
        for p in probes { probesByRegion[StatusRegionKey(provider: p.provider, region: p.region), default: []].append(p) }

        var level = StatusLevel.ok
        var reasons: [String] = []
        func raise(_ l: StatusLevel, _ reason: String) {
            level = max(level, l)
            reasons.append(reason)
        }

        var regions: [StatusReport.Region] = []
        for key in sortedRegions {
            let name = label(key.provider, key.region)
            let regionProbes = (probesByRegion[key] ?? []).sorted { $0.name < $1.name }
            var up = true
            for p in regionProbes where !p.success {
                up = false
                let why = p.lastClassification.map { $0.description } ?? "unknown"
                raise(.critical, "\(name): probe \(p.name) failing: \(why)")
            }
            let stats = windows.regions[key] ?? StatusWindowStats()
            let ratio = stats.errorRatio
            if stats.requests > 0 && ratio >= thresholds.errorRatioCritical {
                raise(.critical, "\(name): error ratio \(percent(ratio)) over 5m (critical above \(percent(thresholds.errorRatioCritical)))")
            } else if stats.requests > 0 && ratio >= thresholds.errorRatioWarning {
                raise(.warning, "\(name): error ratio \(percent(ratio)) over 5m (warning above \(percent(thresholds.errorRatioWarning)))")
            }
            let p95 = stats.latencyP95
            if let p95, p95 > thresholds.latencyP95Warning {
                raise(.warning, "\(name): latency p95 \(seconds(p95)) over 5m (warning above \(seconds(thresholds.latencyP95Warning)))")
            }
            var errors: [String: Int] = [:]
            for (c, n) in stats.errorsByClass where n > 0 { errors[c.rawValue] = n }
            regions.append(StatusReport.Region(
                provider: key.provider, region: key.region, up: up,
                probes: regionProbes.map {
                    StatusReport.Probe(name: $0.name, success: $0.success,
                                       errorClass: $0.success ? nil : $0.lastClassification?.errorClass.rawValue,
                                       reason: $0.success ? nil : $0.lastClassification?.reason)
                },
                errorRatio5m: ratio, errors5m: errors, latencyP95_5mSeconds: p95))
        }

        var models: [StatusReport.Model] = []
        for h in headroom.sorted(by: { $0.key < $1.key }) {
            guard let obs = h.observation else { continue }
            let e = obs.estimate
            models.append(StatusReport.Model(provider: h.key.provider, region: h.key.region, model: h.key.model,
                                             headroomRatio: e.ratio, remaining: e.remaining, limit: e.limit,
                                             resetAt: obs.resetTimestamp))
            if e.ratio < thresholds.headroomWarning {
                let who = h.key.model.isEmpty ? label(h.key.provider, h.key.region)
                                              : "\(label(h.key.provider, h.key.region)) \(h.key.model)"
                raise(.warning, "\(who): rate-limit headroom \(percent(e.ratio)) (warning below \(percent(thresholds.headroomWarning)))")
            }
        }

        return StatusReport(status: level, generatedAt: now, regions: regions, models: models, reasons: reasons)
    }

    /// `31%`, `5.5%`, `0.1%`: one decimal at most, none when whole.
    static func percent(_ ratio: Double) -> String { trimmed(ratio * 100) + "%" }

    /// `12.3s`, `10s`.
    static func seconds(_ s: Double) -> String { trimmed(s) + "s" }

    private static func trimmed(_ v: Double) -> String {
        guard v.isFinite else { return String(v) }
        let tenths = (v * 10).rounded()
        if tenths.truncatingRemainder(dividingBy: 10) == 0 { return String(Int64(tenths / 10)) }
        return String(format: "%.1f", tenths / 10)
    }
}
