import Foundation
import GatewatchCore
import XCTest
@testable import LogTail

final class LogLineDecoderTests: XCTestCase {
    let source = LogSourceConfig(name: "app", paths: [], provider: "assemblyai_llm_gateway")
    let now = 1_800_000_000.0

    func decode(_ line: String, source: LogSourceConfig? = nil) -> Result<RequestRecord, LogRejection> {
        LogLineDecoder(source: source ?? self.source).decode(line, now: now)
    }

    func record(_ line: String, source: LogSourceConfig? = nil, file: StaticString = #filePath, line l: UInt = #line) throws -> RequestRecord {
        switch decode(line, source: source) {
        case .success(let r): return r
        case .failure(let reason):
            XCTFail("rejected as \(reason.rawValue): \(line)", file: file, line: l)
            throw reason
        }
    }

    func rejection(_ line: String) -> LogRejection? {
        if case .failure(let r) = decode(line) { return r }
        return nil
    }

    func testTheContractExample() throws {
        let line = #"{"timestamp": 1795000000.123, "region": "eu", "model": "claude-sonnet-4-6", "status_code": 429, "request_id": "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd", "error": {"error": "..."}, "latency_ms": 834.2, "headers": {"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "41", "X-RateLimit-Model": "claude-sonnet-4-6"}}"#
        let r = try record(line)
        XCTAssertEqual(r.provider, "assemblyai_llm_gateway")
        XCTAssertEqual(r.region, "eu")
        XCTAssertEqual(r.model, "claude-sonnet-4-6")
        XCTAssertEqual(r.source, .log)
        XCTAssertEqual(r.origin, "app")
        XCTAssertEqual(r.statusCode, 429)
        XCTAssertNil(r.transportFailure)
        XCTAssertEqual(r.startTime, 1795000000.123, accuracy: 1e-6)
        XCTAssertEqual(r.latency ?? -1, 0.8342, accuracy: 1e-9)
        XCTAssertEqual(r.requestID, "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd")
        XCTAssertEqual(r.errorBody, .json(#"{"error": "..."}"#))
        XCTAssertEqual(r.headers.count, 4)
        XCTAssertEqual(r.headers.first, HTTPHeader("X-RateLimit-Limit", "30"))
        XCTAssertEqual(r.rateLimit, RateLimitHeaders(limit: 30, remaining: 0, resetSeconds: 41, model: "claude-sonnet-4-6"))
        // The decoder's rate-limit reading agrees with RequestRecord's own.
        XCTAssertEqual(r.rateLimit, RateLimitHeaders(headers: r.headers))
    }

    func testTheSinkBorrowsTheLineAndOwnedKeepsIt() throws {
        let decoder = LogLineDecoder(source: source)
        var bytes = Array(#"{"status_code": 429, "request_id": "id-borrowed-0001", "headers": {"X-RateLimit-Limit": "30", "Retry-After": "7"}}"#.utf8)
        var kept: RequestRecord?
        var seenInSink: String?
        let reason = bytes.withUnsafeBufferPointer { line in
            decoder.decode(line, now: now) { record in
                seenInSink = record.requestID
                kept = record.owned()
            }
        }
        XCTAssertNil(reason)
        // The line's buffer is reused for the next line: what was kept must not change.
        for k in bytes.indices { bytes[k] = UInt8(ascii: "x") }
        XCTAssertEqual(seenInSink, "id-borrowed-0001")
        XCTAssertEqual(kept?.requestID, "id-borrowed-0001")
        XCTAssertEqual(kept?.headers, [HTTPHeader("X-RateLimit-Limit", "30"), HTTPHeader("Retry-After", "7")])
        // The Result form hands out owned records.
        let owned = try record(#"{"status_code": 200, "request_id": "r-2", "headers": {"A": "b"}}"#)
        XCTAssertEqual(owned.requestID, "r-2")
        XCTAssertEqual(owned.headers, [HTTPHeader("A", "b")])
    }

    /// One decoder keeps the previous line's key order and header names: lines that change
    /// them (reordered, renamed, a prefix of the last name, escaped) decode as a fresh decoder would.
    func testLinesThatChangeKeysAndHeadersDecodeAsAFreshDecoderWould() throws {
        let lines = [
            #"{"status_code": 200, "model": "m1", "request_id": "a", "headers": {"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "7", "X-RateLimit-Reset": "9"}}"#,
            #"{"model": "m2", "status_code": 429, "request_id": "b", "headers": {"X-RateLimit-Remaining": "1", "X-RateLimit-Limit": "5", "X-RateLimit-Reset": "3"}}"#,
            #"{"status_code": 200, "model": "m3", "headers": {"X-RateLimit-Limi": "1", "X-RateLimit-Limit": "8", "X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "4"}}"#,
            #"{"status_cod": 1, "status_code": 200, "model": "m4", "headers": {"x-ratelimit-limit": "6", "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "1", "X-RateLimit-Model": "mm"}}"#,
            #"{"status_code": 200, "mod\u0065l": "m5", "headers": {"X-RateLimit-Limit": "2", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "1"}}"#,
            #"{"status_code": 200, "model": "m6", "headers": {"X-RateLimit-L\u0069mit": "2", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "1"}}"#,
            #"{"status_code": 200, "model": "m7", "headers": {"X-RateLimit-Limit": "4", "X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "2"}}"#,
        ]
        let shared = LogLineDecoder(source: source)
        for line in lines {
            let kept = try shared.decode(line, now: now).get()
            let fresh = try LogLineDecoder(source: source).decode(line, now: now).get()
            XCTAssertEqual(kept.model, fresh.model, line)
            XCTAssertEqual(kept.statusCode, fresh.statusCode, line)
            XCTAssertEqual(kept.requestID, fresh.requestID, line)
            XCTAssertEqual(kept.rateLimit, fresh.rateLimit, line)
            XCTAssertEqual(kept.headers, fresh.headers, line)
        }
        XCTAssertEqual(try shared.decode(lines[1], now: now).get().rateLimit?.limit, 5)
        XCTAssertEqual(try shared.decode(lines[2], now: now).get().rateLimit?.limit, 8)
        XCTAssertEqual(try shared.decode(lines[4], now: now).get().model, "m5")
        XCTAssertNil(try shared.decode(lines[5], now: now).get().rateLimit, "an escaped name is not a rate-limit header")
        XCTAssertEqual(try shared.decode(lines[6], now: now).get().rateLimit?.limit, 4)
    }

    func testTimestampForms() throws {
        XCTAssertEqual(try record(#"{"timestamp": 1795000000, "status_code": 200}"#).startTime, 1795000000)
        XCTAssertEqual(try record(#"{"timestamp": 1795000000123, "status_code": 200}"#).startTime, 1795000000.123, accuracy: 1e-6)
        XCTAssertEqual(try record(#"{"timestamp": "2026-11-23T18:00:00Z", "status_code": 200}"#).startTime, 1795456800)
        XCTAssertEqual(try record(#"{"timestamp": "2026-11-23T18:00:00.250Z", "status_code": 200}"#).startTime, 1795456800.25, accuracy: 1e-6)
        XCTAssertEqual(try record(#"{"timestamp": "2026-11-23T20:00:00+02:00", "status_code": 200}"#).startTime, 1795456800)
        XCTAssertEqual(try record(#"{"timestamp": "2026-11-23 18:00:00z", "status_code": 200}"#).startTime, 1795456800)
        XCTAssertEqual(try record(#"{"timestamp": "1795000000.5", "status_code": 200}"#).startTime, 1795000000.5)
        XCTAssertEqual(try record(#"{"timestamp": 1.7950000005e9, "status_code": 200}"#).startTime, 1795000000.5, accuracy: 1e-6)
        XCTAssertEqual(try record(#"{"status_code": 200}"#).startTime, now)
        XCTAssertEqual(try record(#"{"timestamp": null, "status_code": 200}"#).startTime, now)
        XCTAssertEqual(try record(#"{"timestamp": "2026-11-23t13:30:00.5-04:30", "status_code": 200}"#).startTime, 1795456800.5)
        XCTAssertEqual(try record(#"{"timestamp": "2024-02-29T23:59:60Z", "status_code": 200}"#).startTime, 1709251200)
        let bad = ["yesterday", "2026-02-30T00:00:00Z", "2026-11-23T18:00:00", "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z",
                   "2025-02-29T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T18:60:00Z", "2026-11-23T18:00:61Z",
                   "2026-11-23T18:00:00.Z", "2026-11-23T18:00:00Zx", "2026-11-23X18:00:00Z", "2026-11-2318:00:00Z",
                   "2026-11-23T18:00:00+0200", "2026-11-23T18:00:00+24:00", "2026-11-23T18:00", "2026-1-23T18:00:00Z",
                   "+2026-11-23T18:00:00Z", "2026-11-23T18:00:00.5"]
        for text in bad {
            XCTAssertEqual(rejection(#"{"timestamp": "\#(text)", "status_code": 200}"#), .invalidValue, text)
        }
        for bad in [#""yesterday""#, #""2026-02-30T00:00:00Z""#, #""2026-11-23T18:00:00""#, "true", "-5", "[1]"] {
            XCTAssertEqual(rejection(#"{"timestamp": \#(bad), "status_code": 200}"#), .invalidValue, bad)
        }
        // Cross-check the date arithmetic with Foundation.
        let f = ISO8601DateFormatter()
        for text in ["1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2038-01-19T03:14:08Z", "2100-03-01T00:00:00Z"] {
            XCTAssertEqual(try record(#"{"timestamp": "\#(text)", "status_code": 200}"#).startTime,
                           f.date(from: text)?.timeIntervalSince1970, text)
        }
    }

    func testRegionAsCodeHostOrURLAndTheSourceOverride() throws {
        XCTAssertEqual(try record(#"{"region": "EU", "status_code": 200}"#).region, "eu")
        let host = try record(#"{"region": "llm-gateway.eu.assemblyai.com", "status_code": 200}"#)
        XCTAssertEqual(host.region, "eu")
        XCTAssertEqual(host.host, "llm-gateway.eu.assemblyai.com")
        XCTAssertEqual(try record(#"{"region": "https://llm-gateway.assemblyai.com/v1/chat/completions", "status_code": 200}"#).region, "us")
        XCTAssertEqual(try record(#"{"url": "https://api.eu.assemblyai.com/v2/transcript", "status_code": 200}"#).region, "eu")
        XCTAssertEqual(try record(#"{"status_code": 200}"#).region, "unknown")
        XCTAssertEqual(try record(#"{"region": "", "status_code": 200}"#).region, "unknown")
        XCTAssertEqual(try record(#"{"region": "api.llmai.example", "status_code": 200}"#).region, "unknown")
        var eu = source
        eu.region = "eu"
        // The source's region is the default for lines that do not say; a line that says wins.
        XCTAssertEqual(try record(#"{"region": "us", "status_code": 200}"#, source: eu).region, "us")
        XCTAssertEqual(try record(#"{"url": "https://llm-gateway.assemblyai.com/v1/chat/completions", "status_code": 200}"#, source: eu).region, "us")
        XCTAssertEqual(try record(#"{"region": "api.llmai.example", "status_code": 200}"#, source: eu).region, "eu")
        XCTAssertEqual(try record(#"{"status_code": 200}"#, source: eu).region, "eu")
    }

    func testProviderFromLineHostOrDefault() throws {
        XCTAssertEqual(try record(#"{"provider": "llmai", "region": "api.assemblyai.com", "status_code": 200}"#).provider, "llmai")
        XCTAssertEqual(try record(#"{"url": "https://api.assemblyai.com/v2/transcript", "status_code": 200}"#).provider, "assemblyai_speech")
        XCTAssertEqual(try record(#"{"region": "streaming.eu.assemblyai.com", "status_code": 101}"#).provider, "assemblyai_speech")
        XCTAssertEqual(try record(#"{"url": "https://api.llmai.example/v1", "status_code": 200}"#).provider, "assemblyai_llm_gateway")
        XCTAssertEqual(try record(#"{"provider": "", "status_code": 200}"#).provider, "assemblyai_llm_gateway")
    }

    func testErrorForms() throws {
        let transport = try record(#"{"status_code": 0, "error": "curl: (28) Operation timed out after 30001 milliseconds with 0 bytes received"}"#)
        XCTAssertNil(transport.statusCode)
        XCTAssertEqual(transport.transportFailure, .message("curl: (28) Operation timed out after 30001 milliseconds with 0 bytes received"))
        XCTAssertNil(transport.errorBody)
        XCTAssertEqual(transport.codeLabel, "none")
        let noStatus = try record(#"{"error": "getaddrinfo ENOTFOUND llm-gateway.assemblyai.com"}"#)
        XCTAssertEqual(noStatus.transportFailure, .message("getaddrinfo ENOTFOUND llm-gateway.assemblyai.com"))
        let text = try record(#"{"status_code": 404, "error": "404: Not Found"}"#)
        XCTAssertEqual(text.errorBody, .text("404: Not Found"))
        XCTAssertNil(text.transportFailure)
        let object = try record(#"{"status_code": 200, "error": {"status": "error", "error": "Transcoding failed. File does not appear to contain audio."}}"#)
        XCTAssertEqual(object.errorBody, .json(#"{"status": "error", "error": "Transcoding failed. File does not appear to contain audio."}"#))
        let nested = try record(#"{"status_code": 400, "error": {"error": "Invalid request", "metadata": {"errors": ["messages: Field required", {"x": [1, 2e3]}]}}}"#)
        XCTAssertEqual(nested.errorBody?.text, #"{"error": "Invalid request", "metadata": {"errors": ["messages: Field required", {"x": [1, 2e3]}]}}"#)
        XCTAssertNil(try record(#"{"status_code": 200, "error": null}"#).errorBody)
        XCTAssertNil(try record(#"{"status_code": 200, "error": false}"#).errorBody)
        XCTAssertEqual(try record(#"{"error": "a\nb \"q\" \u00e9 \ud83d\ude00"}"#).transportFailure, .message("a\nb \"q\" é 😀"))
    }

    func testLatencyFinishReasonAndHeaders() throws {
        XCTAssertEqual(try record(#"{"status_code": 200, "latency_ms": 250}"#).latency ?? -1, 0.25, accuracy: 1e-12)
        XCTAssertEqual(try record(#"{"status_code": 200, "latency_ms": 2.5e2}"#).latency ?? -1, 0.25, accuracy: 1e-12)
        XCTAssertEqual(try record(#"{"status_code": 200, "duration_seconds": 1.5}"#).latency, 1.5)
        XCTAssertNil(try record(#"{"status_code": 200}"#).latency)
        XCTAssertEqual(rejection(#"{"status_code": 200, "latency_ms": -1}"#), .invalidValue)
        XCTAssertEqual(try record(#"{"status_code": 200, "finish_reason": "length"}"#).finishReason, "length")
        let lower = try record(#"{"status_code": 200, "model": "m", "headers": {"x-ratelimit-limit": 60, "X-RATELIMIT-REMAINING": "7", "x-RateLimit-Reset": " 12.5 ", "Content-Type": "application/json", "X-Multi": ["a", "b"]}}"#)
        XCTAssertEqual(lower.rateLimit, RateLimitHeaders(limit: 60, remaining: 7, resetSeconds: 12.5))
        XCTAssertEqual(lower.headers.map(\.name), ["x-ratelimit-limit", "X-RATELIMIT-REMAINING", "x-RateLimit-Reset", "Content-Type", "X-Multi"])
        XCTAssertEqual(lower.headers[0].value, "60")
        XCTAssertEqual(lower.headers[4].value, #"["a", "b"]"#)
        XCTAssertNil(try record(#"{"status_code": 200, "headers": {"X-RateLimit-Limit": "30"}}"#).rateLimit)
        XCTAssertEqual(rejection(#"{"status_code": 200, "headers": "X-RateLimit-Limit: 30"}"#), .invalidValue)
    }

    /// Word-at-a-time comparison: every length, a difference at every position.
    func testBytesEqualEveryLengthAndPosition() {
        for n in 0...40 {
            let x = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
            x.withUnsafeBufferPointer { xb in
                let xp = xb.baseAddress ?? UnsafePointer(bitPattern: 1)!
                var y = x
                y.withUnsafeBufferPointer { yb in
                    XCTAssertTrue(bytesEqual(xp, yb.baseAddress ?? xp, n), "length \(n)")
                }
                for k in 0..<n {
                    y = x
                    y[k] ^= 0x20
                    y.withUnsafeBufferPointer { yb in
                        XCTAssertFalse(bytesEqual(xp, yb.baseAddress!, n), "length \(n), byte \(k)")
                    }
                }
            }
        }
    }

    /// The one-pass number scan accepts and values exactly what `scanNumber` + `double` do.
    func testScanDoubleMatchesScanNumberThenDouble() {
        let texts = ["0", "-0", "7", "1795000000.0413", "1775.908", "0.000123", "-12.5", "1e3", "2.5E-2", "1E+400",
                     "12345678901234567890", "0.00000000000000000000001", "9999999999999999999", "123456789.123456789123",
                     "1.7976931348623157e308", "4.9e-324", "01", "-", "1.", ".5", "1e", "-x", "00.5", "3.14e", "42 "]
        for text in texts {
            assertScanDoubleMatchesScanNumber(text) { _ in true }
        }
    }

    /// Headers are kept as the object's text and built when read: the same list every read,
    /// escapes decoded, null values left out, the last `headers` key winning.
    func testHeadersBuiltOnReadMatchTheObject() throws {
        let r = try record(#"{"status_code": 200, "headers": {"X-Rate\u004cimit-Limit": "5", "X-RateLimit-Remaining": null, "X-Note": "a\"b\u00e9", "X-N": -1.5e2, "X-B": true, "X-O": {"k": [1]}}}"#)
        let expected = [HTTPHeader("X-RateLimit-Limit", "5"), HTTPHeader("X-Note", "a\"bé"), HTTPHeader("X-N", "-1.5e2"),
                        HTTPHeader("X-B", "true"), HTTPHeader("X-O", #"{"k": [1]}"#)]
        XCTAssertEqual(r.headers, expected)
        XCTAssertEqual(r.headers, expected)
        var copy = r
        copy.headers.append(HTTPHeader("X-Added", "1"))
        XCTAssertEqual(copy.headers, expected + [HTTPHeader("X-Added", "1")])
        XCTAssertEqual(r.headers, expected)
        let twice = try record(#"{"status_code": 200, "headers": {"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "2"}, "headers": {"Via": "p"}}"#)
        XCTAssertEqual(twice.headers, [HTTPHeader("Via", "p")])
        XCTAssertNil(twice.rateLimit)
        let emptied = try record(#"{"status_code": 200, "headers": {"Via": "p"}, "headers": {}}"#)
        XCTAssertEqual(emptied.headers, [])
        let nulled = try record(#"{"status_code": 200, "headers": {"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "2"}, "headers": null}"#)
        XCTAssertEqual(nulled.headers, [])
        XCTAssertEqual(nulled.rateLimit, RateLimitHeaders(limit: 30, remaining: 1, resetSeconds: 2))
    }

    func testRemappedFieldNames() throws {
        var s = source
        s.fields.status = "code"
        s.fields.timestamp = "ts"
        s.fields.model = "model_name"
        s.fields.requestID = "id"
        let r = try record(#"{"ts": 1795000000, "code": 503, "model_name": "m1", "id": 42, "status_code": "ignored"}"#, source: s)
        XCTAssertEqual(r.statusCode, 503)
        XCTAssertEqual(r.model, "m1")
        XCTAssertEqual(r.requestID, "42")
        XCTAssertEqual(r.startTime, 1795000000)
        // The default names mean nothing now.
        if case .failure(let reason) = decode(#"{"status_code": 200}"#, source: s) {
            XCTAssertEqual(reason, .missingField)
        } else {
            XCTFail("accepted without the remapped status field")
        }
        // An escaped key matches its decoded name.
        XCTAssertEqual(try record(#"{"\u0063ode": 201}"#, source: s).statusCode, 201)
    }

    func testStatusValues() throws {
        XCTAssertEqual(try record(#"{"status_code": "429"}"#).statusCode, 429)
        XCTAssertEqual(try record(#"{"status_code": 200.0}"#).statusCode, 200)
        for bad in ["-1", "1000", "200.5", #""abc""#, "true", "{}"] {
            XCTAssertEqual(rejection(#"{"status_code": \#(bad)}"#), .invalidValue, bad)
        }
        XCTAssertEqual(rejection(#"{"status_code": null}"#), .missingField)
        XCTAssertEqual(rejection("{}"), .missingField)
        XCTAssertEqual(rejection(#"{"model": "x", "region": "eu"}"#), .missingField)
        XCTAssertEqual(rejection(#"{"model": 5, "status_code": 200}"#), .invalidValue)
    }

    func testGrammarIsEnforced() {
        let malformed = [
            "", "   ", "this is not json", "[]", #""string""#, "42", "null",
            #"{"status_code": 200"#, #"{"status_code": 200,}"#, #"{"status_code" 200}"#, #"{status_code: 200}"#,
            #"{'status_code': 200}"#, #"{"status_code": 0200}"#, #"{"status_code": 200} trailing"#,
            #"{"status_code": 200}}"#, #"{"a": [1, 2,], "status_code": 200}"#, #"{"a": .5, "status_code": 200}"#,
            #"{"a": 1., "status_code": 200}"#, #"{"a": 1e, "status_code": 200}"#, #"{"a": +1, "status_code": 200}"#,
            #"{"a": "\x", "status_code": 200}"#, #"{"a": "\u12", "status_code": 200}"#, #"{"a": tru, "status_code": 200}"#,
            #"{"a": NaN, "status_code": 200}"#, "{\"a\": \"tab\there\", \"status_code\": 200}",
            #"{"a": [}, "status_code": 200}"#, #"{"a": {"b"}, "status_code": 200}"#, #"{"a": [1 2], "status_code": 200}"#,
        ]
        for line in malformed {
            XCTAssertEqual(rejection(line), .malformedJSON, line)
        }
        // Whitespace of every JSON kind, a trailing \r (CRLF files), huge and tiny numbers in skipped fields.
        XCTAssertNil(rejection(" \t{ \"status_code\" :\n200 , \"x\" : [ ] , \"y\" : { } }\r"))
        XCTAssertNil(rejection(#"{"a": 1e400, "b": -1.5E-400, "c": 123456789012345678901234567890, "status_code": 200}"#))
        XCTAssertNil(rejection(#"{"a": "\ud800 lone surrogate", "b": "\/\b\f\n\r\t", "status_code": 200}"#))
    }

    func testBadBytes() {
        func reject(_ bytes: [UInt8]) -> LogRejection? {
            let decoder = LogLineDecoder(source: source)
            var result: LogRejection?
            bytes.withUnsafeBufferPointer { result = decoder.decode($0, now: now) { _ in } }
            return result
        }
        let good = Array(#"{"model": "m", "status_code": 200}"#.utf8)
        XCTAssertNil(reject(good))
        // Invalid UTF-8 in a string: a lone continuation byte, an overlong form, a surrogate, a cut sequence.
        for bad: [UInt8] in [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF5, 0x80, 0x80, 0x80], [0xFF]] {
            var line = Array(#"{"model": "m"#.utf8) + bad + Array(#"", "status_code": 200}"#.utf8)
            XCTAssertEqual(reject(line), .malformedJSON, "\(bad)")
            line = bad + good
            XCTAssertEqual(reject(line), .malformedJSON, "\(bad)")
        }
        // A byte order mark before the object is tolerated.
        XCTAssertNil(reject([0xEF, 0xBB, 0xBF] + good))
        // Valid multi-byte UTF-8 is fine.
        XCTAssertNil(reject(Array(#"{"model": "modèle-日本-😀", "status_code": 200}"#.utf8)))
        // A NUL byte inside a string and outside.
        XCTAssertEqual(reject(Array(#"{"model": "a"#.utf8) + [0] + Array(#"b", "status_code": 200}"#.utf8)), .malformedJSON)
        XCTAssertEqual(reject(good + [0]), .malformedJSON)
        XCTAssertEqual(reject([0]), .malformedJSON)
    }

    func testDeepNestingNeitherOverflowsNorFails() {
        let depth = 200_000
        let deep = #"{"status_code": 200, "x": "# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        XCTAssertNil(rejection(deep))
        let deepObjects = #"{"status_code": 200, "x": "# + String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth) + "}"
        XCTAssertNil(rejection(deepObjects))
        let unbalanced = #"{"status_code": 200, "x": "# + String(repeating: "[", count: depth) + "}"
        XCTAssertEqual(rejection(unbalanced), .malformedJSON)
        XCTAssertEqual(rejection(String(repeating: "[", count: depth)), .malformedJSON)
        let deepError = #"{"status_code": 500, "error": "# + String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000) + "}"
        XCTAssertEqual(try? decode(deepError).get().errorBody?.text.count, 2000)
    }

    /// A decoder reused across lines (its string and header caches warm) gives exactly what a
    /// fresh one gives, line after line.
    func testCachesNeverChangeTheResult() throws {
        let shared = LogLineDecoder(source: source)
        var lines: [String] = []
        for k in 0..<400 {
            let model = ["claude-sonnet-4-6", "gpt-4.1-mini-2025-04-14", "m"][k % 3]
            let region = ["eu", "llm-gateway.eu.assemblyai.com", "https://llm-gateway.assemblyai.com/v1", "api.llmai.example"][k % 4]
            let name = k % 5 == 0 ? "x-ratelimit-remaining" : "X-RateLimit-Remaining"
            lines.append(#"{"region": "\#(region)", "model": "\#(model)", "status_code": \#(k % 2 == 0 ? 200 : 429), "headers": {"X-RateLimit-Limit": "30", "\#(name)": "\#(k % 7)", "X-RateLimit-Reset": \#(k % 3), "X-RateLimit-Model": "\#(model)", "Via": "1.1 proxy-\#(k % 11)"}}"#)
        }
        for line in lines + lines.reversed() {
            let a = try shared.decode(line, now: now).get()
            let b = try LogLineDecoder(source: source).decode(line, now: now).get()
            XCTAssertEqual(a.headers, b.headers, line)
            XCTAssertEqual(a.rateLimit, b.rateLimit, line)
            XCTAssertEqual(a.rateLimit, RateLimitHeaders(headers: a.headers), line)
            XCTAssertEqual([a.model, a.region, a.provider, a.host ?? "-"], [b.model, b.region, b.provider, b.host ?? "-"], line)
            XCTAssertEqual(a.statusCode, b.statusCode)
        }
    }

    func testRecordsOfOneSeriesShareOneLabelsObject() throws {
        let decoder = LogLineDecoder(source: source)
        let line = { (region: String, model: String) in
            #"{"region": "\#(region)", "model": "\#(model)", "status_code": 200, "latency_ms": 12}"#
        }
        // Two series alternating, and a third that differs only in its model.
        var eu: [RecordLabels] = [], us: [RecordLabels] = [], other: [RecordLabels] = []
        for _ in 0..<50 {
            eu.append(try decoder.decode(line("llm-gateway.eu.assemblyai.com", "gpt-4.1-mini"), now: now).get().labels)
            us.append(try decoder.decode(line("us", "gpt-4.1-mini"), now: now).get().labels)
            other.append(try decoder.decode(line("us", "claude-haiku-4-5"), now: now).get().labels)
        }
        XCTAssertTrue(eu.allSatisfy { $0 === eu[0] })
        XCTAssertTrue(us.allSatisfy { $0 === us[0] })
        XCTAssertTrue(other.allSatisfy { $0 === other[0] })
        XCTAssertFalse(eu[0] === us[0])
        XCTAssertFalse(us[0] === other[0])
        XCTAssertEqual([eu[0].provider, eu[0].region, eu[0].host ?? "-", eu[0].model, eu[0].origin ?? "-"],
                       ["assemblyai_llm_gateway", "eu", "llm-gateway.eu.assemblyai.com", "gpt-4.1-mini", "app"])
        XCTAssertEqual([us[0].region, us[0].host ?? "-", us[0].model], ["us", "-", "gpt-4.1-mini"])
        XCTAssertEqual(other[0].model, "claude-haiku-4-5")

        // A provider named by the line is part of the series: its records share their own
        // labels object, and the source's provider comes back without it ("" is none).
        let named = { (provider: String) in
            try decoder.decode(#"{"region": "us", "model": "gpt-4.1-mini", "status_code": 200, "provider": "\#(provider)"}"#, now: self.now).get().labels
        }
        let openai = try (0..<20).map { _ in try named("openai") }
        XCTAssertTrue(openai.allSatisfy { $0 === openai[0] })
        XCTAssertEqual([openai[0].provider, openai[0].region, openai[0].model], ["openai", "us", "gpt-4.1-mini"])
        XCTAssertFalse(openai[0] === us[0])
        XCTAssertTrue(try named("") === named(""))
        XCTAssertEqual(try named("").provider, "assemblyai_llm_gateway")
        XCTAssertEqual(try named(#"open\u0061i"#).provider, "openai")
        XCTAssertEqual(try decoder.decode(line("us", "gpt-4.1-mini"), now: now).get().provider, "assemblyai_llm_gateway")
        XCTAssertTrue(try decoder.decode(line("us", "gpt-4.1-mini"), now: now).get().labels === us[0])
    }

    /// The decoder's verdict (JSON object or not) agrees with Foundation's parser on thousands of
    /// random mutations of a realistic line.
    func testAgreesWithFoundationOnMutatedLines() throws {
        let base = #"{"timestamp": 1795000000.5, "region": "eu", "model": "claude-sonnet-4-6", "status_code": 429, "request_id": "6e6f340d", "error": {"error": "rate limited", "list": [1, -2.5e3, true, null, {"k": "v\n"}]}, "latency_ms": 20, "headers": {"X-RateLimit-Limit": "30"}}"#
        let alphabet = Array(#"{}[]",: 0123456789-+.eEtrufalsn\"#.utf8)
        var rng = SystemRandomNumberGenerator()
        var disagreements: [String] = []
        for _ in 0..<3000 {
            var bytes = Array(base.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(alphabet.randomElement(using: &rng) ?? 0x20, at: at)
                default: bytes[at] = alphabet.randomElement(using: &rng) ?? 0x20
                }
            }
            let foundationOK = (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any]
            let decoder = LogLineDecoder(source: source)
            var verdict: LogRejection?
            bytes.withUnsafeBufferPointer { verdict = decoder.decode($0, now: now) { _ in } }
            let oursOK = verdict != .malformedJSON
            let text = String(decoding: bytes, as: UTF8.self)
            // Foundation's parser accepts a trailing comma (`[1,]`, `{"a": 1,}`); RFC 8259 does not.
            if foundationOK && !oursOK && text.range(of: #",\s*[}\]]"#, options: .regularExpression) != nil {
                continue
            }
            // It rejects a number beyond Double's range (`-2.5e335`: three edits of `-2.5e3`);
            // RFC 8259's grammar, which the decoder follows, sets no range.
            if !foundationOK && oursOK && text.matches(of: #/[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+/#).contains(where: { m in
                Double(String(text[m.range])).map { !$0.isFinite } ?? true
            }) {
                continue
            }
            if foundationOK != oursOK {
                disagreements.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        XCTAssertEqual(disagreements, [], "decoder and Foundation disagree")
    }
}

/// `scanDouble` on `text` agrees with `scanNumber` then `double`: the same verdict, the same end
/// and the same bits; and with Foundation's `Double(_:)` on the number's text when
/// `foundationAgrees` says the two must agree.
func assertScanDoubleMatchesScanNumber(_ text: String, foundationAgrees: (String) -> Bool,
                                       file: StaticString = #filePath, line: UInt = #line) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBufferPointer { buffer in
        let base = UnsafePointer(buffer.baseAddress!)
        var a = JSONScanner(base, count: buffer.count)
        var b = JSONScanner(base, count: buffer.count)
        let fused = try? a.scanDouble()
        let r = try? b.scanNumber()
        XCTAssertEqual(fused == nil, r == nil, text, file: file, line: line)
        if let fused, let r {
            XCTAssertEqual(a.i, r.end, text, file: file, line: line)
            XCTAssertEqual(fused.bitPattern, b.double(r.start, r.end).bitPattern, text, file: file, line: line)
            let number = String(text[..<text.index(text.startIndex, offsetBy: r.end)])
            if foundationAgrees(number) {
                XCTAssertEqual(fused, Double(number), text, file: file, line: line)
            }
        }
    }
}
