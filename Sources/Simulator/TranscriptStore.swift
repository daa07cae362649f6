import Foundation
import Synchronization

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
/// Thread-safe.
final class TranscriptStore: Sendable {
    private struct State {
        var byID: [String: SimTranscript] = [:]
        var order: [String] = []
        var uploads: Set<String> = []
        var uploadOrder: [String] = []
    }
    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func add(_ t: SimTranscript) {
        state.withLock { s in
            s.byID[t.id] = t
            s.order.append(t.id)
            if s.order.count > capacity {
                let drop = s.order.count - capacity
                for id in s.order.prefix(drop) { s.byID[id] = nil }
                s.order.removeFirst(drop)
            }
        }
    }

    func find(_ id: String) -> SimTranscript? { state.withLock { $0.byID[id] } }

    /// The newest `limit` transcripts, newest first.
    func newest(_ limit: Int) -> [SimTranscript] {
        state.withLock { s in s.order.suffix(limit).reversed().compactMap { s.byID[$0] } }
    }

    func addUpload(_ id: String) {
        state.withLock { s in
            s.uploads.insert(id)
            s.uploadOrder.append(id)
            if s.uploadOrder.count > capacity { s.uploads.remove(s.uploadOrder.removeFirst()) }
        }
    }

    func hasUpload(_ id: String) -> Bool { state.withLock { $0.uploads.contains(id) } }
}
