/// The messages of one error body or transport error, folded for matching: ASCII letters
/// lowercased, digits kept, every other run of bytes (spaces, punctuation, `_`, `-`, quotes,
/// non-ASCII) one space, URLs (`http://...`, `https://...`) removed. Each message is a
/// separate part, so a phrase never matches across two messages.
///
/// Folding is what makes matching tolerant of rewording: "`punctuate` must be a Boolean",
/// "punctuate must be a boolean!" and "PUNCTUATE must be a BOOLEAN" fold alike.
struct ClassifierText {
    /// Folded bytes; every part starts and ends with a space.
    private(set) var bytes: [UInt8] = []
    /// Where each part lies in `bytes`.
    private(set) var parts: [Range<Int>] = []
    /// The index in `bytes` of every word's first byte, in order (`maxBytes` keeps it in range).
    private var wordStarts: [Int32] = []
    /// Each part's range in `wordStarts`.
    private var partWords: [Range<Int>] = []
    /// The set of (first, second) byte pairs that start a word, `ClassifierText.bigramCount` bits:
    /// a phrase whose first two bytes start no word is rejected without a scan.
    private var bigrams: [UInt64] = []
    /// Longest raw message read into one part; the rest of a longer message is ignored.
    static let maxPartBytes = 4096
    /// Most parts, and most folded bytes, a text holds; later messages are ignored, so a body
    /// with a huge `errors[]` costs no more than one with 64 messages.
    static let maxParts = 64
    static let maxBytes = 64 * 1024

    // Folding state of the part being built.
    private var partStart = 0
    private var partWordStart = 0
    private var pendingSpace = false
    private var fed = 0
    /// Slashes seen after "http:" or "https:" (nil when not in a possible scheme).
    private var schemeSlashes: Int?
    private var inURL = false
    /// True while the current part is past `maxParts` or `maxBytes` and ignored.
    private var ignoring = false

    init() {}

    /// A text of one part, folded from `message`.
    init(_ message: String) {
        append(message)
    }

    var isEmpty: Bool { parts.isEmpty }

    /// Adds `message` as a new part (nothing when it folds to no words).
    mutating func append(_ message: String) {
        beginPart()
        var message = message
        message.withUTF8 { fold(contentsOf: $0) }
        endPart()
    }

    /// Starts a part; feed it with `fold(_:)` and close it with `endPart()`.
    mutating func beginPart() {
        if bytes.capacity == 0 {
            bytes.reserveCapacity(256)
            wordStarts.reserveCapacity(64)
        }
        partStart = bytes.count
        partWordStart = wordStarts.count
        bytes.append(0x20)
        ignoring = parts.count >= ClassifierText.maxParts || bytes.count >= ClassifierText.maxBytes
        pendingSpace = false
        fed = 0
        schemeSlashes = nil
        inURL = false
    }

    /// Folds raw (unescaped UTF-8) bytes into the current part; whole words are copied at once.
    mutating func fold(contentsOf raw: UnsafeBufferPointer<UInt8>) {
        if ignoring { return }
        var i = 0
        let n = raw.count
        while i < n {
            let b = raw[i]
            guard !inURL, schemeSlashes == nil, ClassifierText.isWordByte(b) else {
                fold(b)
                i += 1
                continue
            }
            var j = i
            var upper = false
            while j < n {
                let c = raw[j]
                if c >= 0x41 && c <= 0x5A {
                    upper = true
                } else if !((c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)) {
                    break
                }
                j += 1
            }
            let count = min(j - i, ClassifierText.maxPartBytes - fed)
            fed += j - i
            if count > 0 {
                if pendingSpace && bytes.last != 0x20 { bytes.append(0x20) }
                pendingSpace = false
                if bytes.last == 0x20 { wordStarts.append(Int32(bytes.count)) }
                let at = bytes.count
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: raw[i..<(i + count)]))
                if upper {
                    bytes.withUnsafeMutableBufferPointer { out in
                        for k in at..<out.count where out[k] >= 0x41 && out[k] <= 0x5A { out[k] |= 0x20 }
                    }
                }
            }
            i = j
        }
    }

    /// An ASCII letter or digit, either case.
    @inline(__always)
    static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
    }

    /// Folds one raw (unescaped UTF-8) byte into the current part.
    mutating func fold(_ byte: UInt8) {
        fed += 1
        guard fed <= ClassifierText.maxPartBytes, !ignoring else { return }
        if inURL {
            // A URL ends at whitespace, a quote or a bracket.
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27, 0x60, 0x3C, 0x3E, 0x28, 0x29, 0x5B, 0x5D:
                inURL = false
                pendingSpace = true
            default:
                break
            }
            return
        }
        if let slashes = schemeSlashes {
            if byte == 0x2F {
                if slashes == 1 {
                    // "http://" or "https://": drop the scheme word already written, skip the URL.
                    schemeSlashes = nil
                    inURL = true
                    dropLastWord()
                } else {
                    schemeSlashes = slashes + 1
                }
                return
            }
            schemeSlashes = nil
            pendingSpace = true
        }
        var b = byte
        if b >= 0x41 && b <= 0x5A { b |= 0x20 }
        if (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) {
            if pendingSpace && bytes.last != 0x20 { bytes.append(0x20) }
            pendingSpace = false
            if bytes.last == 0x20 { wordStarts.append(Int32(bytes.count)) }
            bytes.append(b)
            return
        }
        if b == 0x3A && !pendingSpace && lastWordIsHTTPScheme() {
            schemeSlashes = 0
            return
        }
        pendingSpace = true
    }

    /// Closes the current part; a part with no words is dropped.
    mutating func endPart() {
        if bytes.count == partStart + 1 {
            bytes.removeLast()
            return
        }
        if bytes.last != 0x20 { bytes.append(0x20) }
        parts.append(partStart..<bytes.count)
        partWords.append(partWordStart..<wordStarts.count)
        if bigrams.isEmpty { bigrams = [UInt64](repeating: 0, count: (ClassifierText.bigramCount + 63) / 64) }
        for k in partWordStart..<wordStarts.count {
            let at = Int(wordStarts[k])
            let key = ClassifierText.bigram(bytes[at], bytes[at + 1])
            bigrams[key >> 6] |= 1 << UInt64(key & 63)
        }
    }

    /// Folded bytes that may follow a word's first byte: a letter, a digit or the space after it.
    static let bigramCount = 36 * 37

    /// The bigram number of a word's first two folded bytes.
    static func bigram(_ first: UInt8, _ second: UInt8) -> Int {
        func index(_ b: UInt8) -> Int {
            switch b {
            case 0x61...0x7A: return Int(b - 0x61)
            case 0x30...0x39: return 26 + Int(b - 0x30)
            default: return 36
            }
        }
        return min(index(first), 35) * 37 + index(second)
    }

    /// True when the word just written is "http" or "https".
    private func lastWordIsHTTPScheme() -> Bool {
        var i = bytes.count
        while i > partStart && bytes[i - 1] != 0x20 { i -= 1 }
        let n = bytes.count - i
        guard n == 4 || n == 5 else { return false }
        return bytes[i] == 0x68 && bytes[i + 1] == 0x74 && bytes[i + 2] == 0x74 && bytes[i + 3] == 0x70
            && (n == 4 || bytes[i + 4] == 0x73)
    }

    private mutating func dropLastWord() {
        while bytes.count > partStart + 1 && bytes.last != 0x20 { bytes.removeLast() }
        while wordStarts.count > partWordStart, let last = wordStarts.last, Int(last) >= bytes.count {
            wordStarts.removeLast()
        }
        pendingSpace = true
    }

    /// True when some part holds every phrase of `phrases`, each starting at a word start.
    func matches(_ phrases: ClassifierPhrases) -> Bool {
        guard !bigrams.isEmpty else { return false }
        for key in phrases.bigrams where bigrams[key >> 6] & (1 << UInt64(key & 63)) == 0 {
            return false
        }
        return bytes.withUnsafeBufferPointer { buffer in
            wordStarts.withUnsafeBufferPointer { starts in
                for words in partWords {
                    var all = true
                    for phrase in phrases.all where !ClassifierText.contains(buffer, starts, words, phrase) {
                        all = false
                        break
                    }
                    if all { return true }
                }
                return false
            }
        }
    }

    /// True when `phrase` (a space, then folded words) begins at one of `starts[words]`.
    static func contains(_ buffer: UnsafeBufferPointer<UInt8>, _ starts: UnsafeBufferPointer<Int32>,
                         _ words: Range<Int>, _ phrase: [UInt8]) -> Bool {
        let n = phrase.count - 1  // without the leading space
        guard n > 0 else { return true }
        return phrase.withUnsafeBufferPointer { p in
            let first = p[1]
            for k in words {
                let at = Int(starts[k])
                guard buffer[at] == first, at + n <= buffer.count else { continue }
                var j = 1
                while j < n && buffer[at + j] == p[j + 1] { j += 1 }
                if j == n { return true }
            }
            return false
        }
    }
}

/// One alternative of a rule's pattern: folded phrases that must all appear in one part.
struct ClassifierPhrases: Sendable {
    /// Each phrase folded, with a leading space so it matches only at a word start.
    let all: [[UInt8]]
    /// The bigram numbers of the phrases' first two bytes (a one-byte phrase has none).
    let bigrams: [Int]

    init(all: [[UInt8]]) {
        self.all = all
        bigrams = all.compactMap { $0.count >= 3 ? ClassifierText.bigram($0[1], $0[2]) : nil }
    }
}

/// A rule's pattern, written `"a + b | c"`: (a and b) or c. Each phrase folds like a message
/// and matches at the start of a word, so `"deprecat"` matches "deprecated" and "deprecation".
/// The empty pattern matches anything.
struct ClassifierPattern: Sendable {
    let anyOf: [ClassifierPhrases]
    let source: String

    init(_ source: String) {
        self.source = source
        var alternatives: [ClassifierPhrases] = []
        for alternative in source.split(separator: "|") {
            var phrases: [[UInt8]] = []
            for phrase in alternative.split(separator: "+") {
                let folded = ClassifierText(String(phrase))
                guard let range = folded.parts.first else { continue }
                // The folded part is " words "; keep the leading space, drop the trailing one.
                phrases.append(Array(folded.bytes[range.lowerBound..<(range.upperBound - 1)]))
            }
            if !phrases.isEmpty { alternatives.append(ClassifierPhrases(all: phrases)) }
        }
        anyOf = alternatives
    }

    func matches(_ text: ClassifierText) -> Bool {
        if anyOf.isEmpty { return true }
        for phrases in anyOf where text.matches(phrases) { return true }
        return false
    }
}
