import Foundation

/// Where reading of one file stands: the file's identity, the fingerprint of its head, and the
/// offset just past the last complete line whose record has been ingested.
struct FilePosition: Hashable, Sendable {
    var path: String
    var identity: FileIdentity
    /// FNV-1a 64 of the first `fingerprintLength` bytes (0 when the file was empty).
    var fingerprint: UInt64
    var fingerprintLength: Int
    var offset: Int64
}

/// The checkpoint file (`<state_dir>/log-positions.json`): per log source, the position of
/// every followed file. Written atomically; an unreadable file is treated as absent.
enum Checkpoint {
    static let fileName = "log-positions.json"
    /// Bytes of a file's head that identify it besides its inode.
    static let fingerprintBytes = 256

    static func path(in stateDirectory: String) -> String {
        stateDirectory.hasSuffix("/") ? stateDirectory + fileName : stateDirectory + "/" + fileName
    }

    static func fingerprint(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3
        }
        return h
    }

    static func encode(_ sources: [String: [FilePosition]]) -> [UInt8] {
        var root: [String: Any] = ["version": 1]
        var out: [String: Any] = [:]
        for (name, files) in sources {
            out[name] = files.sorted { $0.path < $1.path }.map { f -> [String: Any] in
                ["path": f.path, "device": String(f.identity.device), "inode": String(f.identity.inode),
                 "fingerprint": String(f.fingerprint, radix: 16), "fingerprint_length": f.fingerprintLength,
                 "offset": f.offset]
            }
        }
        root["sources"] = out
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return Array(data) + [0x0A]
    }

    /// The positions in a checkpoint file's bytes; nil when they are not a checkpoint.
    static func decode(_ bytes: [UInt8]) -> [String: [FilePosition]]? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let sources = root["sources"] as? [String: Any] else { return nil }
        var result: [String: [FilePosition]] = [:]
        for (name, value) in sources {
            guard let files = value as? [[String: Any]] else { continue }
            result[name] = files.compactMap { f in
                guard let path = f["path"] as? String,
                      let device = (f["device"] as? String).flatMap({ UInt64($0) }),
                      let inode = (f["inode"] as? String).flatMap({ UInt64($0) }),
                      let fp = (f["fingerprint"] as? String).flatMap({ UInt64($0, radix: 16) }),
                      let fpLength = (f["fingerprint_length"] as? NSNumber)?.intValue,
                      let offset = (f["offset"] as? NSNumber)?.int64Value, offset >= 0 else { return nil }
                return FilePosition(path: path, identity: FileIdentity(device: device, inode: inode),
                                    fingerprint: fp, fingerprintLength: fpLength, offset: offset)
            }
        }
        return result
    }
}
