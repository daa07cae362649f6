import Foundation
import GatewatchCore
import Synchronization

/// What one request sees of its rate-limit window; rendered as the `X-RateLimit-*` headers.
public struct RateLimitDecision: Sendable, Equatable {
    public var allowed: Bool
    public var limit: Int
    public var remaining: Int
    /// Whole seconds until the window resets (rounded up).
    public var resetSeconds: Int
    public var model: String
    public var service: String

    /// `X-RateLimit-Limit/Remaining/Reset/Model/Service` (seed 003's table).
    public var headers: [(name: String, value: String)] {
        [("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Remaining", String(remaining)),
         ("X-RateLimit-Reset", String(resetSeconds)), ("X-RateLimit-Model", model),
         ("X-RateLimit-Service", service)]
    }
}

/// Fixed-window request limits per (service, region, model): a window opens with the first
/// request after the previous one ended and lasts `window` seconds. Keys are catalogue models
/// only, so memory is bounded. Thread-safe (one lock, held for a dictionary update).
/// `@unchecked Sendable`: `windows` is only touched under `lock`. An `NSLock` (a plain pthread
/// mutex) rather than `Mutex`, whose priority-inheritance futex costs a third of the chat path's
/// CPU when a thread per connection contends for it (perf, 64 wrk connections).
public final class RateLimiter: @unchecked Sendable {
    private struct Key: Hashable { let service: String; let region: SimRegion; let model: String }
    private struct Window { var start: Double; var count: Int }

    private let window: Double
    private let time: any TimeSource
    private let lock = NSLock()
    private var windows: [Key: Window] = [:]

    public init(window: Double, time: any TimeSource) {
        self.window = window
        self.time = time
    }

    /// Counts one request when `consume` and the window has room; otherwise only reports.
    public func check(service: String, region: SimRegion, model: String, limit: Int,
                      consume: Bool = true) -> RateLimitDecision {
        let now = time.now
        let key = Key(service: service, region: region, model: model)
        let (allowed, state) = lock.withLock { () -> (Bool, Window) in
            var w = windows[key] ?? Window(start: now, count: 0)
            if now >= w.start + window || now < w.start { w = Window(start: now, count: 0) }
            var allowed = w.count < limit
            if consume {
                if allowed { w.count += 1 }
                windows[key] = w
            } else {
                allowed = true
            }
            return (allowed, w)
        }
        let reset = Int((state.start + window - now).rounded(.up))
        return RateLimitDecision(allowed: allowed, limit: limit, remaining: max(0, limit - state.count),
                                 resetSeconds: max(0, reset), model: model, service: service)
    }
}
