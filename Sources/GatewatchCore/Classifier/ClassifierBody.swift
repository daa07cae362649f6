/// What the classifier reads from an error body: its messages, folded, and whether it is a
/// failed job (`"status": "error"`).
///
/// A JSON body contributes the strings at `error` (or `error.message`, `error.code`),
/// `message`, `detail`, `errors[]` and `metadata.errors[]`, each as a separate part; nothing
/// else (so a `request_id` or an echoed prompt never matches a phrase). A body that is not
/// JSON, or JSON that does not parse (cut short, say), is read as plain text, whole.
struct ClassifierBody {
    var text = ClassifierText()
    /// True when the body parsed as JSON (an object, array or string).
    var isJSON = false
    /// True when a JSON object's top-level `status` is `"error"` (any case).
    var statusIsError = false
    /// True when the body holds nothing but whitespace.
    var isEmpty = true

    init(_ body: ErrorBody) {
        var raw = body.text
        raw.withUTF8 { read($0, tryJSON: true) }
    }

    private mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, tryJSON: Bool) {
        var first: UInt8?
        for b in bytes where !ClassifierJSONReader.isSpace(b) {
            first = b
            break
        }
        guard let first else { return }
        isEmpty = false
        if tryJSON && (first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == UInt8(ascii: "\"")) {
            var reader = ClassifierJSONReader(bytes: bytes)
            if reader.readDocument() {
                text = reader.text
                statusIsError = reader.statusIsError
                isJSON = true
                return
            }
        }
        text = ClassifierText()
        text.beginPart()
        text.fold(contentsOf: bytes)
        text.endPart()
    }
}

/// A small JSON reader that walks an error body once, folding the message fields into a
/// `ClassifierText` and skipping everything else. Rejects (returns false for) anything that
/// is not well-formed JSON or nests deeper than `maxDepth`; never traps on bad input.
struct ClassifierJSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private(set) var text = ClassifierText()
    private(set) var statusIsError = false
    static let maxDepth = 64

    /// The role of an object: which of its keys hold messages.
    private enum Role {
        case top, error, metadata, other
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }

    /// Reads one JSON value and trailing whitespace; false when it is not well-formed.
    mutating func readDocument() -> Bool {
        skipSpace()
        guard i < bytes.count else { return false }
        let ok: Bool
        switch bytes[i] {
        case UInt8(ascii: "{"): ok = readObject(role: .top, depth: 1)
        case UInt8(ascii: "["): ok = readMessageArray(depth: 1)
        case UInt8(ascii: "\""): ok = readString(fold: true)
        default: ok = false
        }
        guard ok else { return false }
        skipSpace()
        return i == bytes.count
    }

    private mutating func skipSpace() {
        while i < bytes.count && ClassifierJSONReader.isSpace(bytes[i]) { i += 1 }
    }

    /// Reads `{...}` at `i`, folding the message keys `role` names.
    private mutating func readObject(role: Role, depth: Int) -> Bool {
        guard depth <= ClassifierJSONReader.maxDepth else { return false }
        i += 1  // '{'
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
            i += 1
            return true
        }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let key = readKey() else { return false }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipSpace()
            guard i < bytes.count else { return false }
            let ok: Bool
            switch (role, key) {
            case (.top, .status):
                ok = bytes[i] == UInt8(ascii: "\"") ? readStatus() : skipValue(depth: depth)
            case (.top, .error), (.error, .error):
                ok = readMessageValue(objectRole: .error, depth: depth)
            case (.top, .message), (.top, .detail), (.error, .message), (.error, .detail), (.error, .code):
                ok = bytes[i] == UInt8(ascii: "\"") ? readString(fold: true) : skipValue(depth: depth)
            case (.top, .errors), (.error, .errors), (.metadata, .errors):
                ok = bytes[i] == UInt8(ascii: "[") ? readMessageArray(depth: depth + 1) : skipValue(depth: depth)
            case (.top, .metadata), (.error, .metadata):
                ok = bytes[i] == UInt8(ascii: "{") ? readObject(role: .metadata, depth: depth + 1) : skipValue(depth: depth)
            default:
                ok = skipValue(depth: depth)
            }
            guard ok else { return false }
            skipSpace()
            guard i < bytes.count else { return false }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "}") {
                i += 1
                return true
            }
            return false
        }
    }

    /// A string folds as a message, an object is read with `objectRole`, anything else is skipped.
    private mutating func readMessageValue(objectRole: Role, depth: Int) -> Bool {
        switch bytes[i] {
        case UInt8(ascii: "\""): return readString(fold: true)
        case UInt8(ascii: "{"): return readObject(role: objectRole, depth: depth + 1)
        default: return skipValue(depth: depth)
        }
    }

    /// Reads `[...]` at `i` whose strings (or objects' `message`) are messages.
    private mutating func readMessageArray(depth: Int) -> Bool {
        guard depth <= ClassifierJSONReader.maxDepth else { return false }
        i += 1  // '['
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
            i += 1
            return true
        }
        while true {
            skipSpace()
            guard i < bytes.count, readMessageValue(objectRole: .error, depth: depth) else { return false }
            skipSpace()
            guard i < bytes.count else { return false }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                return true
            }
            return false
        }
    }

    /// The keys the reader acts on; any other key is `.other`.
    private enum Key {
        case error, message, detail, code, errors, metadata, status, other
    }

    /// Reads a key string at `i` (escapes are skipped correctly but such a key is `.other`).
    private mutating func readKey() -> Key? {
        let start = i + 1
        guard readString(fold: false) else { return nil }
        let end = i - 1  // closing quote
        let n = end - start
        func equals(_ name: StaticString) -> Bool {
            guard name.utf8CodeUnitCount == n else { return false }
            let p = name.utf8Start
            for k in 0..<n where bytes[start + k] != p[k] { return false }
            return true
        }
        if equals("error") { return .error }
        if equals("message") { return .message }
        if equals("detail") { return .detail }
        if equals("code") { return .code }
        if equals("errors") { return .errors }
        if equals("metadata") { return .metadata }
        if equals("status") { return .status }
        return .other
    }

    /// Reads the top-level `status` string and notes whether it says "error".
    private mutating func readStatus() -> Bool {
        let start = i + 1
        guard readString(fold: false) else { return false }
        let end = i - 1
        let word: [UInt8] = Array("error".utf8)
        if end - start == word.count {
            var same = true
            for k in 0..<word.count where bytes[start + k] | 0x20 != word[k] {
                same = false
                break
            }
            if same { statusIsError = true }
        }
        return true
    }

    /// Reads a string at `i` (on its opening quote), leaving `i` after the closing quote.
    /// With `fold`, its unescaped bytes become a new part of `text`.
    private mutating func readString(fold: Bool) -> Bool {
        i += 1  // opening quote
        if fold { text.beginPart() }
        defer { if fold { text.endPart() } }
        while i < bytes.count {
            // A run of plain bytes folds at once.
            if fold {
                var j = i
                while j < bytes.count && bytes[j] != UInt8(ascii: "\"") && bytes[j] != UInt8(ascii: "\\") && bytes[j] >= 0x20 {
                    j += 1
                }
                if j > i {
                    text.fold(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
                    i = j
                    continue
                }
            }
            let b = bytes[i]
            i += 1
            switch b {
            case UInt8(ascii: "\""):
                return true
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { return false }
                let e = bytes[i]
                i += 1
                let unescaped: UInt8
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped = e
                case UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    unescaped = 0x20
                case UInt8(ascii: "u"):
                    guard let scalar = readHex4() else { return false }
                    // Only ASCII matters for matching; anything else folds as a separator.
                    unescaped = scalar < 0x80 ? UInt8(scalar) : 0x80
                default:
                    return false
                }
                if fold { text.fold(unescaped) }
            case 0x00..<0x20:
                return false  // control characters must be escaped
            default:
                if fold { text.fold(b) }
            }
        }
        return false
    }

    private mutating func readHex4() -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// Skips any JSON value at `i`.
    private mutating func skipValue(depth: Int) -> Bool {
        guard i < bytes.count else { return false }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            return readString(fold: false)
        case UInt8(ascii: "{"):
            return readObject(role: .other, depth: depth + 1)
        case UInt8(ascii: "["):
            guard depth + 1 <= ClassifierJSONReader.maxDepth else { return false }
            i += 1
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
                i += 1
                return true
            }
            while true {
                skipSpace()
                guard skipValue(depth: depth + 1) else { return false }
                skipSpace()
                guard i < bytes.count else { return false }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return true
                }
                return false
            }
        case UInt8(ascii: "t"): return skipLiteral("true")
        case UInt8(ascii: "f"): return skipLiteral("false")
        case UInt8(ascii: "n"): return skipLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            // Numbers: the characters a number may hold; well-formedness beyond that is not needed here.
            let start = i
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
                     UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                    i += 1
                default:
                    return i > start
                }
            }
            return i > start
        default:
            return false
        }
    }

    private mutating func skipLiteral(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        let p = literal.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { return false }
        i += n
        return true
    }
}
