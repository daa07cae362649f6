import Foundation

/// One submitted transcript. Its status is a function of time: `queued` until `processingAt`,
/// `processing` until `doneAt`, then `completed` or `error` (when `failure` is set).
struct SimTranscript: Sendable {
    let id: String
    let audioURL: String
    let created: Double
    let processingAt: Double
    let doneAt: Double
    let failure: ProcessingFailure?
    let languageCode: String?
    let speechModel: String

    func status(at now: Double) -> String {
        if now < processingAt { return "queued" }
        if now < doneAt { return "processing" }
        return failure == nil ? "completed" : "error"
    }
}

/// The transcripts and uploads of one region, newest last; bounded (the oldest are forgotten).
/// Thread-safe. `@unchecked Sendable`: `state` is only touched under `lock` (an `NSLock`, as in
/// `RateLimiter`, for its cost under contention).
final class TranscriptStore: @unchecked Sendable {
    private struct State {
        var byID: [String: SimTranscript] = [:]
        var order: [String] = []
        var uploads: Set<String> = []
        var uploadOrder: [String] = []
    }
    private let capacity: Int
    private let lock = NSLock()
    private var state = State()

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func add(_ t: SimTranscript) {
        lock.withLock { () -> Void in
            state.byID[t.id] = t
            state.order.append(t.id)
            if state.order.count > capacity {
                let drop = state.order.count - capacity
                for id in state.order.prefix(drop) { state.byID[id] = nil }
                state.order.removeFirst(drop)
            }
        }
    }

    func find(_ id: String) -> SimTranscript? { lock.withLock { state.byID[id] } }

    /// The newest `limit` transcripts, newest first.
    func newest(_ limit: Int) -> [SimTranscript] {
        lock.withLock { state.order.suffix(limit).reversed().compactMap { state.byID[$0] } }
    }

    func addUpload(_ id: String) {
        lock.withLock { () -> Void in
            state.uploads.insert(id)
            state.uploadOrder.append(id)
            if state.uploadOrder.count > capacity { state.uploads.remove(state.uploadOrder.removeFirst()) }
        }
    }

    func hasUpload(_ id: String) -> Bool { lock.withLock { state.uploads.contains(id) } }
}
