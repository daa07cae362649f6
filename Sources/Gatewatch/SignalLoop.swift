import Dispatch
import Foundation
import Synchronization

/// Blocks the calling thread until SIGTERM or SIGINT, calling `reload` on each SIGHUP.
public enum SignalLoop {
    /// Returns the name of the signal that asked the process to stop.
    public static func run(reload: @escaping @Sendable () -> Void) -> String {
        let queue = DispatchQueue(label: "gatewatch.signals")
        let stopped = DispatchSemaphore(value: 0)
        let which = Mutex("")
        var sources: [DispatchSourceSignal] = []
        for (sig, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP")] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            if sig == SIGHUP {
                source.setEventHandler { reload() }
            } else {
                source.setEventHandler {
                    which.withLock { $0 = name }
                    stopped.signal()
                }
            }
            source.resume()
            sources.append(source)
        }
        stopped.wait()
        for s in sources { s.cancel() }
        return which.withLock { $0 }
    }
}
