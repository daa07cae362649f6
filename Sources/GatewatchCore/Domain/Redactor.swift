/// Removes API keys from text before it is shown, logged, stored or bundled.
///
/// Replaced by `[REDACTED]`:
/// - every occurrence of a configured secret (secrets shorter than `minimumSecretLength` are
///   ignored, since replacing them would shred ordinary text);
/// - the value after `Authorization`, `Proxy-Authorization`, `X-Api-Key`, `api_key`, `api-key`
///   or `apikey` followed by `:` or `=` (header lines, JSON `"authorization": "..."`, escaped
///   JSON `\"authorization\": \"...\"`, logfmt `authorization=...`): a quoted value up to its
///   closing quote, an unquoted one up to the end of the line;
/// - the token after `Bearer `;
/// - key-shaped tokens: `sk-`/`sk_` followed by 16+ key characters, and any run of 32+ ASCII
///   letters and digits containing a digit or both cases (hex and base62 keys, including a 32-hex
///   AssemblyAI key and a UUID written without hyphens).
///
/// Kept: UUIDs with hyphens (request ids such as `6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd`: no
/// hyphen-separated part reaches 32 characters), words, numbers shorter than 32 digits, and all
/// non-ASCII text byte for byte.
///
/// Immutable and `Sendable`; `redact` may be called from any thread.
public struct Redactor: Sendable {
    /// What replaces a secret.
    public static let placeholder = "[REDACTED]"
    /// Configured secrets shorter than this are not searched for.
    public static let minimumSecretLength = 8
    /// Key-shaped runs of letters and digits at least this long are redacted.
    public static let minimumKeyLength = 32

    private let secrets: [[UInt8]]

    /// - Parameter secrets: the API keys in use (from `api_key_env`/`api_key_file`); empty and
    ///   short ones are ignored, duplicates are harmless.
    public init(secrets: [String] = []) {
        let bytes = Set(secrets.map { Array($0.utf8) }).filter { $0.count >= Redactor.minimumSecretLength }
        // Longest first, so a secret containing another is removed whole.
        self.secrets = bytes.sorted { $0.count > $1.count }
    }

    /// The text with every API key replaced by `[REDACTED]`.
    public func redact(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var changed = false
        for secret in secrets where replaceAll(secret, in: &bytes) { changed = true }
        if scan(&bytes) { changed = true }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    // MARK: - Configured secrets

    private func replaceAll(_ needle: [UInt8], in bytes: inout [UInt8]) -> Bool {
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        let first = needle[0]
        var out: [UInt8] = []
        var found = false
        var i = 0
        var copied = 0
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first && matches(bytes, at: i, needle) {
                if !found { out.reserveCapacity(bytes.count); found = true }
                out.append(contentsOf: bytes[copied..<i])
                out.append(contentsOf: Redactor.placeholderBytes)
                i += needle.count
                copied = i
            } else {
                i += 1
            }
        }
        guard found else { return false }
        out.append(contentsOf: bytes[copied...])
        bytes = out
        return true
    }

    private func matches(_ bytes: [UInt8], at i: Int, _ needle: [UInt8]) -> Bool {
        for j in 0..<needle.count where bytes[i + j] != needle[j] { return false }
        return true
    }

    // MARK: - Patterns

    private static let placeholderBytes = Array(placeholder.utf8)
    /// Field names whose value is a credential (lowercase ASCII).
    private static let credentialNames: [[UInt8]] = [
        "proxy-authorization", "authorization", "x-api-key", "api-key", "api_key", "apikey",
    ].map { Array($0.utf8) }
    private static let bearer = Array("bearer".utf8)

    /// One pass over the text applying the pattern rules; true when anything was replaced.
    private func scan(_ bytes: inout [UInt8]) -> Bool {
        let b = bytes
        let n = b.count
        var out: [UInt8] = []
        var changed = false
        var copied = 0  // b[copied..<i] not yet copied to out
        var i = 0

        func replace(_ start: Int, _ end: Int) {
            if !changed { out.reserveCapacity(n); changed = true }
            out.append(contentsOf: b[copied..<start])
            out.append(contentsOf: Redactor.placeholderBytes)
            copied = end
        }

        while i < n {
            let c = b[i]
            guard isWordByte(c), i == 0 || !isWordByte(b[i - 1]) else { i += 1; continue }
            // At the start of a word.
            if let valueEnd = credentialValue(b, at: i) {
                replace(valueEnd.start, valueEnd.end)
                i = valueEnd.end
                continue
            }
            if let tokenEnd = bearerToken(b, at: i) {
                replace(tokenEnd.start, tokenEnd.end)
                i = tokenEnd.end
                continue
            }
            // A run of key characters [A-Za-z0-9_-].
            var end = i
            while end < n && isKeyByte(b[end]) { end += 1 }
            if end - i >= 3 + 16 && b[i] == UInt8(ascii: "s") && b[i + 1] == UInt8(ascii: "k")
                && (b[i + 2] == UInt8(ascii: "-") || b[i + 2] == UInt8(ascii: "_")) {
                replace(i, end)
                i = end
                continue
            }
            if end - i >= Redactor.minimumKeyLength && runHasKeyShapedPart(b, i, end) {
                replace(i, end)
            }
            i = max(end, i + 1)
        }
        guard changed else { return false }
        out.append(contentsOf: b[copied...])
        bytes = out
        return true
    }

    /// A part of the run between `-`/`_` separators that is 32+ letters and digits with a digit or both cases.
    private func runHasKeyShapedPart(_ b: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var partStart = start
        var digit = false, upper = false, lower = false
        var j = start
        while j <= end {
            if j == end || b[j] == UInt8(ascii: "-") || b[j] == UInt8(ascii: "_") {
                if j - partStart >= Redactor.minimumKeyLength && (digit || (upper && lower)) { return true }
                partStart = j + 1
                digit = false; upper = false; lower = false
            } else {
                let c = b[j]
                if c >= 0x30 && c <= 0x39 { digit = true } else if c >= 0x41 && c <= 0x5A { upper = true } else { lower = true }
            }
            j += 1
        }
        return false
    }

    /// At a credential field name followed by `:` or `=`: the range of its value.
    private func credentialValue(_ b: [UInt8], at i: Int) -> (start: Int, end: Int)? {
        let n = b.count
        var nameEnd = -1
        for name in Redactor.credentialNames where i + name.count <= n && equalsLowercased(b, i, name) {
            let after = i + name.count
            if after < n && isWordByte(b[after]) && b[after] != UInt8(ascii: "-") { continue }
            nameEnd = after
            break
        }
        guard nameEnd >= 0 else { return nil }
        var j = nameEnd
        // Optional closing quote of a JSON key, possibly escaped.
        if j < n && b[j] == UInt8(ascii: "\\") && j + 1 < n && b[j + 1] == UInt8(ascii: "\"") { j += 2 }
        else if j < n && (b[j] == UInt8(ascii: "\"") || b[j] == UInt8(ascii: "'")) { j += 1 }
        while j < n && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
        guard j < n && (b[j] == UInt8(ascii: ":") || b[j] == UInt8(ascii: "=")) else { return nil }
        j += 1
        while j < n && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
        guard j < n else { return nil }
        // Quoted value: up to the matching (unescaped / escaped) quote.
        if b[j] == UInt8(ascii: "\\") && j + 1 < n && b[j + 1] == UInt8(ascii: "\"") {
            let start = j + 2
            var k = start
            while k < n && !(b[k] == UInt8(ascii: "\\") && k + 1 < n && b[k + 1] == UInt8(ascii: "\"")) && b[k] != 0x0A { k += 1 }
            return start < k ? (start, k) : nil
        }
        if b[j] == UInt8(ascii: "\"") || b[j] == UInt8(ascii: "'") {
            let quote = b[j]
            let start = j + 1
            var k = start
            while k < n && b[k] != quote && b[k] != 0x0A {
                k += b[k] == UInt8(ascii: "\\") ? 2 : 1
            }
            k = min(k, n)
            return start < k ? (start, k) : nil
        }
        // Unquoted: to the end of the line.
        var k = j
        while k < n && b[k] != 0x0A && b[k] != 0x0D { k += 1 }
        return j < k ? (j, k) : nil
    }

    /// At `Bearer` followed by spaces and a token: the token's range.
    private func bearerToken(_ b: [UInt8], at i: Int) -> (start: Int, end: Int)? {
        let n = b.count
        let name = Redactor.bearer
        guard i + name.count < n, equalsLowercased(b, i, name) else { return nil }
        var j = i + name.count
        guard b[j] == 0x20 || b[j] == 0x09 else { return nil }
        while j < n && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
        var k = j
        while k < n && !isTokenEnd(b[k]) { k += 1 }
        return j < k ? (j, k) : nil
    }

    private func equalsLowercased(_ b: [UInt8], _ i: Int, _ lower: [UInt8]) -> Bool {
        for j in 0..<lower.count {
            var c = b[i + j]
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != lower[j] { return false }
        }
        return true
    }

    /// Letters, digits and `_` (a `-` continues a key but does not start a word).
    private func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
    }

    private func isKeyByte(_ c: UInt8) -> Bool { isWordByte(c) }

    private func isTokenEnd(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")
            || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || c == UInt8(ascii: "\\")
    }
}
