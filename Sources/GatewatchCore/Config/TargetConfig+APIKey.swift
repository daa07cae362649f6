import Foundation

/// Why a target's API key could not be read. Names the variable or file, never the key.
public enum APIKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `api_key_env` names a variable that is not set (or is empty).
    case variableNotSet(target: String, variable: String)
    /// `api_key_file` cannot be read.
    case fileUnreadable(target: String, path: String, reason: String)
    /// `api_key_file` is empty (after trimming trailing whitespace).
    case fileEmpty(target: String, path: String)
    /// The key contains a line break or other control character (it would corrupt the header).
    case invalidCharacters(target: String, source: String)

    public var description: String {
        switch self {
        case let .variableNotSet(target, variable):
            return "target \(target): environment variable \(variable) (api_key_env) is not set or empty"
        case let .fileUnreadable(target, path, reason):
            return "target \(target): cannot read api_key_file \(path): \(reason)"
        case let .fileEmpty(target, path):
            return "target \(target): api_key_file \(path) is empty"
        case let .invalidCharacters(target, source):
            return "target \(target): the key in \(source) contains a line break or control character"
        }
    }
}

extension TargetConfig {
    /// The API key from `api_key_env` or `api_key_file` (trailing whitespace and newlines
    /// trimmed); nil when the target names no key source. Throws `APIKeyError`, whose text names
    /// the variable or file and never contains the key. Reads the file on every call, so a
    /// rotated key file is picked up; callable from any thread.
    public func resolveAPIKey(environment: [String: String]) throws -> String? {
        if let variable = apiKeyEnv {
            guard let raw = environment[variable] else {
                throw APIKeyError.variableNotSet(target: name, variable: variable)
            }
            let key = Self.trimTrailing(raw)
            guard !key.isEmpty else { throw APIKeyError.variableNotSet(target: name, variable: variable) }
            try check(key, source: "environment variable \(variable)")
            return key
        }
        if let path = apiKeyFile {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw APIKeyError.fileUnreadable(target: name, path: path, reason: "no such file")
            }
            guard !isDirectory.boolValue else {
                throw APIKeyError.fileUnreadable(target: name, path: path, reason: "is a directory")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw APIKeyError.fileUnreadable(target: name, path: path, reason: "permission denied or I/O error")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw APIKeyError.fileUnreadable(target: name, path: path, reason: "not UTF-8 text")
            }
            let key = Self.trimTrailing(text)
            guard !key.isEmpty else { throw APIKeyError.fileEmpty(target: name, path: path) }
            try check(key, source: "api_key_file \(path)")
            return key
        }
        return nil
    }

    private func check(_ key: String, source: String) throws {
        if key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw APIKeyError.invalidCharacters(target: name, source: source)
        }
    }

    private static func trimTrailing(_ s: String) -> String {
        var end = s.endIndex
        while end > s.startIndex, let last = s[s.index(before: end)...].first, last.isWhitespace || last.isNewline {
            end = s.index(before: end)
        }
        return String(s[..<end])
    }
}
