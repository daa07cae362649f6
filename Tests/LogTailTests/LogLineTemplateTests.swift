import GatewatchCore
import XCTest
@testable import LogTail

/// The decoder remembers the bytes between the previous line's values (top-level members and
/// the headers object's) and matches the next line against them. Whatever it remembers, a
/// reused decoder must decode every line exactly as a fresh one does.
final class LogLineTemplateTests: XCTestCase {
    let source = LogSourceConfig(name: "app", paths: [], provider: "assemblyai_llm_gateway")
    let now = 1_800_000_000.0

    static let base = #"{"timestamp": 1795000000.0413, "region": "llm-gateway.eu.assemblyai.com", "model": "gpt-4.1-mini", "status_code": 200, "request_id": "244823f2-db06-4000-a000-671c45376d5d", "error": null, "latency_ms": 1775.908, "finish_reason": "stop", "headers": {"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "25", "X-RateLimit-Reset": "14", "X-RateLimit-Model": "gpt-4.1-mini"}}"#

    /// Everything a decoded line says, exactly (numbers by their bits).
    func describe(_ result: Result<RequestRecord, LogRejection>) -> String {
        switch result {
        case .failure(let reason):
            return "rejected: \(reason.rawValue)"
        case .success(let r):
            let rl = r.rateLimit.map { "\($0.limit)/\($0.remaining)/\($0.resetSeconds.bitPattern)/\($0.model ?? "-")/\($0.service ?? "-")" } ?? "none"
            let fields: [String] = [
                r.provider, r.region, r.host ?? "-", r.model, "\(r.source)", r.origin ?? "-",
                r.statusCode.map(String.init) ?? "-", "\(String(describing: r.transportFailure))",
                "\(r.startTime.bitPattern)", r.latency.map { "\($0.bitPattern)" } ?? "-", r.requestID ?? "-",
                "\(String(describing: r.errorBody))", "\(r.headers)", rl, r.finishReason ?? "-",
            ]
            return fields.joined(separator: " | ")
        }
    }

    /// Decodes `lines` in order with one decoder, each line also with a fresh decoder; returns
    /// the lines where they differ.
    func disagreements(_ lines: [String], source: LogSourceConfig? = nil) -> [String] {
        let source = source ?? self.source
        let shared = LogLineDecoder(source: source)
        var out: [String] = []
        for line in lines {
            let kept = describe(shared.decode(line, now: now))
            let fresh = describe(LogLineDecoder(source: source).decode(line, now: now))
            if kept != fresh && out.count < 3 {
                out.append("\(line)\n  reused: \(kept)\n  fresh:  \(fresh)")
            }
        }
        return out
    }

    /// One random edit of `bytes` at `at`: the byte there removed, or one of `alphabet`
    /// inserted before it or written over it.
    func randomEdit(_ bytes: inout [UInt8], at: Int, _ alphabet: [UInt8], _ rng: inout SplitMix64) {
        let byte = alphabet[Int(rng.next() % UInt64(alphabet.count))]
        switch rng.next() % 3 {
        case 0: bytes.remove(at: at)
        case 1: bytes.insert(byte, at: at)
        default: bytes[at] = byte
        }
    }

    func testTheTemplateDecodesAsAFreshDecoder() throws {
        let base = Self.base
        // Warm: the same shape twice gives the same record as a fresh decoder.
        XCTAssertEqual(disagreements([base, base, base]), [])
        let decoder = LogLineDecoder(source: source)
        _ = decoder.decode(base, now: now)
        let r = try decoder.decode(base, now: now).get()
        XCTAssertEqual(r.model, "gpt-4.1-mini")
        XCTAssertEqual(r.statusCode, 200)
        XCTAssertEqual(r.startTime, 1795000000.0413)
        XCTAssertEqual(r.latency, 1775.908 / 1000)
        XCTAssertEqual(r.finishReason, "stop")
        XCTAssertEqual(r.rateLimit, RateLimitHeaders(limit: 30, remaining: 25, resetSeconds: 14, model: "gpt-4.1-mini"))
        XCTAssertEqual(r.requestID, "244823f2-db06-4000-a000-671c45376d5d")
    }

    /// Spacing, key order, keys and header names that change from one line to the next,
    /// keys sharing a prefix with the remembered ones, values after the remembered bytes that
    /// start with more whitespace.
    func testLinesThatChangeShapeBetweenLines() {
        let base = Self.base
        func edit(_ pairs: [(String, String)]) -> String {
            var line = base
            for (a, b) in pairs { line = line.replacingOccurrences(of: a, with: b) }
            return line
        }
        let variants: [String] = [
            edit([(#""region": "#, #""region":  "#)]),
            edit([(#""status_code": 200"#, #""status_code":   200"#)]),
            edit([(#""status_code": 200"#, "\"status_code\":\n200")]),
            edit([(": ", ":"), (", ", ",")]),
            edit([(", ", " , ")]),
            edit([(", ", ",\t")]),
            edit([(#", "model""#, #",  "model""#)]),
            " " + base,
            "\t" + base + " \r",
            edit([(#"{"timestamp""#, #"{ "timestamp""#)]),
            edit([(#""model": "gpt-4.1-mini", "status_code""#, #""model_name": "gpt-4.1-mini", "status_code""#)]),
            edit([(#""model": "gpt-4.1-mini", "status_code""#, #""mode": "gpt-4.1-mini", "status_code""#)]),
            edit([(#""model": "gpt-4.1-mini", "status_code""#, #""modem": "gpt-4.1-mini", "status_code""#)]),
            edit([(#""status_code": 200"#, #""status_code_x": 1, "status_code": 201"#)]),
            edit([(#""status_code": 200"#, #""status": 1, "status_code": 202"#)]),
            edit([(#""region": "llm-gateway.eu.assemblyai.com", "model": "gpt-4.1-mini""#,
                   #""model": "gpt-4.1-mini", "region": "llm-gateway.eu.assemblyai.com""#)]),
            edit([(#""error": null"#, #""error": {"error": "Rate limit exceeded"}"#), (#""status_code": 200"#, #""status_code": 429"#)]),
            edit([(#""error": null, "#, "")]),
            edit([(#", "finish_reason": "stop""#, "")]),
            edit([(#""finish_reason": "stop""#, #""finish_reason": null"#)]),
            edit([(#""status_code": 200"#, #""status_code": "200""#)]),
            edit([(#""timestamp": 1795000000.0413"#, #""timestamp": "2026-11-23T18:00:00.250Z""#)]),
            edit([(#""timestamp": 1795000000.0413"#, #""timestamp": 1795000000"#)]),
            edit([(#""timestamp": 1795000000.0413"#, #""timestamp": -1"#)]),
            edit([(#""st"#, #""\u0073t"#)]),
            edit([(#"{"timestamp": 1795000000.0413, "#, "{")]),
            edit([(#""status_code": 200, "#, #""status_code": 200, "status_code": 404, "#)]),
            // Headers: order, spacing, names, and values in every form.
            edit([(#""X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "25""#, #""X-RateLimit-Remaining": "25", "X-RateLimit-Limit": "30""#)]),
            edit([(#"{"X-RateLimit-Limit""#, #"{ "X-RateLimit-Limit""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit":  "30""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limits": "30""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limi": "30""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""x-ratelimit-limit": "30""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-L\u0069mit": "30""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": 30"#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "030""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "0""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "00""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": " 30 ""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "30x""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "3\u0030""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": """#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "123456789012345""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "1234567890123456""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "99999999999999999999999""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "3.5""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": null"#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": ["30"]"#)]),
            edit([(#""X-RateLimit-Reset": "14""#, #""X-RateLimit-Reset": "-14""#)]),
            edit([(#""X-RateLimit-Reset": "14""#, #""X-RateLimit-Reset": 1.4e1"#)]),
            edit([(#""X-RateLimit-Model": "gpt-4.1-mini""#, #""X-RateLimit-Model": """#)]),
            edit([(#""X-RateLimit-Model": "gpt-4.1-mini""#, #""X-RateLimit-Model": 42"#)]),
            edit([(#""X-RateLimit-Model": "gpt-4.1-mini""#, #""X-RateLimit-Model": "gpt-\u00e9""#)]),
            edit([(#""X-RateLimit-Model": "gpt-4.1-mini""#, #""X-RateLimit-Model": "gpt-4.1-mini", "X-RateLimit-Service": "llm""#)]),
            edit([(#", "X-RateLimit-Model": "gpt-4.1-mini""#, "")]),
            edit([(#""X-RateLimit-Limit": "30", "#, #""Via": "1.1 proxy", "X-RateLimit-Limit": "30", "#)]),
            edit([(#""headers": {"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "25", "X-RateLimit-Reset": "14", "X-RateLimit-Model": "gpt-4.1-mini"}"#, #""headers": {}"#)]),
            edit([(#""headers": {"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "25", "X-RateLimit-Reset": "14", "X-RateLimit-Model": "gpt-4.1-mini"}"#, #""headers": { }"#)]),
            edit([(#""headers": {"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "25", "X-RateLimit-Reset": "14", "X-RateLimit-Model": "gpt-4.1-mini"}"#, #""headers": null"#)]),
            edit([(#""gpt-4.1-mini"}}"#, #""gpt-4.1-mini" } }"#)]),
            edit([(#""gpt-4.1-mini"}}"#, #""gpt-4.1-mini"}, "x": 1}"#)]),
            // Status codes: plain integers are valued without scanDouble; the rest as before.
            edit([(#""status_code": 200"#, #""status_code": 999"#)]),
            edit([(#""status_code": 200"#, #""status_code": 1000"#)]),
            edit([(#""status_code": 200"#, #""status_code": 200.0"#)]),
            edit([(#""status_code": 200"#, #""status_code": 200.5"#)]),
            edit([(#""status_code": 200"#, #""status_code": 2e2"#)]),
            edit([(#""status_code": 200"#, #""status_code": 2E2"#)]),
            edit([(#""status_code": 200"#, #""status_code": -200"#)]),
            edit([(#""status_code": 200"#, #""status_code": 0"#)]),
            edit([(#""status_code": 200"#, #""status_code": 000"#)]),
            edit([(#""status_code": 200"#, #""status_code": 1234567890123456"#)]),
            edit([(#""status_code": 200"#, #""status_code": 123456789012345678901234"#)]),
            edit([(#""status_code": 200"#, #""status_code": 200x"#)]),
            edit([(#""status_code": 200"#, #""status_code": 200 "#)]),
            // The finish reason is kept from the line before: a value sharing its bytes differs.
            edit([(#""finish_reason": "stop""#, #""finish_reason": "stops""#)]),
            edit([(#""finish_reason": "stop""#, #""finish_reason": "sto""#)]),
            edit([(#""finish_reason": "stop""#, #""finish_reason": "st\u006fp""#)]),
            edit([(#""finish_reason": "stop""#, #""finish_reason": "stop\"""#)]),
            edit([(#""finish_reason": "stop""#, #""finish_reason": """#)]),
            edit([(#""finish_reason": "stop""#, #""finish_reason": 5"#)]),
            edit([(#""finish_reason": "stop""#, #""finish_reason": "length""#)]),
            edit([(#""finish_reason": "stop""#, #""finish_reason": "\#(String(repeating: "x", count: 40))\""#)]),
            edit([(#""finish_reason": "stop""#, #""finish_reason": "stop", "finish_reason": "length""#)]),
            edit([(#""finish_reason": "stop""#, #""finish_reason": "stop"#)]),
            // A second headers object replaces the first (its model included); null keeps it.
            edit([(#""gpt-4.1-mini"}}"#, #""gpt-4.1-mini"}, "headers": {"X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "1"}}"#)]),
            edit([(#""gpt-4.1-mini"}}"#, #""gpt-4.1-mini"}, "headers": null}"#)]),
            edit([(#""gpt-4.1-mini"}}"#, #""gpt-4.1-mini", "X-RateLimit-Model": "second", "X-RateLimit-Service": true}}"#)]),
            edit([(#""gpt-4.1-mini"}}"#, #""gpt-4.1-mini", "X-RateLimit-Service": {"a": [1]}, "X-RateLimit-Model": null}}"#)]),
            // Malformed: a remembered prefix, then something else.
            edit([(#""status_code": 200"#, #""status_code": "#)]),
            edit([(#""status_code": 200"#, #""status_code": ,200"#)]),
            edit([(#""status_code": 200"#, #""status_code": 0200"#)]),
            edit([(#""status_code": 200"#, #""status_code": 200,"#)]),
            edit([(#""error": null"#, #""error": nul"#)]),
            edit([(#""error": null"#, #""error": nullx"#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "30"#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": "3"0"#)]),
            edit([(#""X-RateLimit-Limit": "30""#, #""X-RateLimit-Limit": 30""#)]),
            edit([(#""X-RateLimit-Limit": "30""#, "\"X-RateLimit-Limit\": \"3\u{1}\"")]),
            edit([(#""gpt-4.1-mini"}}"#, #""gpt-4.1-mini"}"#)]),
            edit([(#""gpt-4.1-mini"}}"#, #""gpt-4.1-mini"}}}"#)]),
            edit([(#""gpt-4.1-mini"}}"#, #""gpt-4.1-mini",}}"#)]),
        ]
        var lines: [String] = []
        for v in variants {
            lines += [base, v, v, base]
        }
        XCTAssertEqual(disagreements(lines), [])
        // Each variant after each other one (the template holds the one before).
        var pairs: [String] = []
        for (k, v) in variants.enumerated() {
            pairs += [v, variants[(k * 7 + 3) % variants.count], v]
        }
        XCTAssertEqual(disagreements(pairs), [])
    }

    /// The decoder keeps the last few regions and models with their bytes: values that share
    /// those bytes (prefixes, extensions, escapes, other kinds), more values than it keeps,
    /// and values cut at the end of the line decode as with a fresh decoder.
    func testRecentRegionsAndModelsDecodeAsAFreshDecoder() {
        let base = Self.base
        func edit(region: String? = nil, model: String? = nil) -> String {
            var line = base
            if let region { line = line.replacingOccurrences(of: #""region": "llm-gateway.eu.assemblyai.com""#, with: #""region": "# + region) }
            if let model { line = line.replacingOccurrences(of: #""model": "gpt-4.1-mini""#, with: #""model": "# + model) }
            return line
        }
        let regions = [
            #""eu""#, #""us""#, #""EU ""#, #""e""#, #""eu-west""#, #""\u0065u""#, #""e\"u""#, #""""#, "null", "5", "true",
            #""https://llm-gateway.assemblyai.com/v1/chat/completions""#, #""llm-gateway.eu.assemblyai.com""#,
            #""llm-gateway.eu.assemblyai.co""#, #""llm-gateway.eu.assemblyai.comm""#, #""api.openai.com""#,
            "\"\(String(repeating: "r", count: 63))\"", "\"\(String(repeating: "r", count: 64))\"",
            "\"\(String(repeating: "r", count: 65))\"", "\"\(String(repeating: "r", count: 100))\"", "{}",
        ]
        let models = [
            #""gpt-4.1-mini""#, #""gpt-4.1-min""#, #""gpt-4.1-minis""#, #""gpt-4.1-mini\"""#, #""gpt-4.1-m\u0069ni""#,
            #""claude-sonnet-4-6""#, #""claude-haiku-4-5""#, #""gemini-2.5-flash""#, #""llama-3.3-70b""#, #""""#,
            "null", "[1]", #""a""#, #""b""#, #""c""#, #""d""#, #""e""#, #""f""#, #""g""#, #""h""#, #""i""#,
            "\"\(String(repeating: "m", count: 64))\"", "\"\(String(repeating: "m", count: 65))\"",
        ]
        var lines: [String] = []
        for (k, r) in regions.enumerated() {
            for (j, m) in models.enumerated() where (k + j) % 3 == 0 {
                lines += [edit(region: r, model: m), edit(region: regions[(k * 5 + j) % regions.count]), edit(model: m)]
            }
        }
        lines += regions.map { edit(region: $0) } + models.map { edit(model: $0) }
        lines += regions.reversed().map { edit(region: $0) } + models.reversed().map { edit(model: $0) }
        XCTAssertEqual(disagreements(lines), [])
        // A kept value cut at the end of the line (no closing quote, or nothing after it).
        let cut = [#"{"region": "eu"#, #"{"region": "eu""#, #"{"region": "eu"}"#, #"{"model": "gpt-4.1-mini"#,
                   #"{"model": "gpt-4.1-mini", "status_code": 200"#, #"{"model": "gpt-4.1-mini", "status_code": 200}"#]
        XCTAssertEqual(disagreements(Array(lines.prefix(8)) + cut + [edit(region: #""eu""#)] + cut), [])
    }

    static let failure = #"{"timestamp": 1795000000.1492, "region": "eu", "model": "gpt-4.1-mini", "status_code": 500, "request_id": "29b7b950-e511-4002-a002-5b150620a835", "error": {"error": "Internal server error"}, "latency_ms": 1736.991}"#

    /// The decoder keeps the last few `error` strings and objects with their text: bodies that
    /// share a kept one's bytes (prefixes, extensions, the same last bytes, escapes, nesting,
    /// other kinds), more bodies than it keeps, longer ones than it keeps, and bodies cut at
    /// the end of the line decode as with a fresh decoder.
    func testRecentErrorBodiesDecodeAsAFreshDecoder() {
        func edit(_ error: String) -> String {
            Self.failure.replacingOccurrences(of: #"{"error": "Internal server error"}"#, with: error)
        }
        let long = String(repeating: "x", count: 300)
        var errors = [
            #"{"error": "Internal server error"}"#, #"{"error": "Internal server error" }"#, #"{"error": "Internal server erro"}"#,
            #"{"error": "Internal server errorr"}"#, #"{"error": "External server error"}"#, #"{"error":"Internal server error"}"#,
            #"{"error": "Internal server error", "code": 500}"#, #"{"error": {"message": "Internal server error"}}"#,
            #"{"error": "Intern\u0061l server error"}"#, #"{"error": "Internal \"server\" error"}"#, #"{}"#, #"{"a":1}"#,
            #"{"error": "Internal "server" error"}"#, #""Internal server error""#, #""Internal server erro""#,
            #""Internal \"server\" error""#, #""Intern\u0061l server error""#, #""Internal "server" error""#, #""""#, #""x""#,
            #"["Internal server error"]"#, "null", "false", "true", "500", #"{"error": "\#(long)"}"#, #""\#(long)""#,
            #"{"error": "Rate limit exceeded for model gpt-4.1-mini. Please retry after 41 seconds."}"#,
            #"{"error": "Rate limit exceeded for model llama-3.3-70b. Please retry after 41 seconds."}"#,
            #""Operation timed out after 30000 milliseconds with 0 bytes received""#,
        ]
        errors += (0..<20).map { #"{"error": "body \#($0)"}"# }
        var lines: [String] = []
        for (k, e) in errors.enumerated() {
            lines += [edit(e), edit(errors[(k * 7 + 3) % errors.count]), edit(e), Self.base, edit(e)]
        }
        lines += errors.reversed().map(edit)
        XCTAssertEqual(disagreements(lines), [])
        // A kept body cut at the end of the line, or followed by something else than a member.
        let kept = #"{"error": "Internal server error"}"#
        let cut = [#"{"error": {"error": "Internal server error""#, #"{"error": {"error": "Internal server error"}"#,
                   #"{"error": {"error": "Internal server error"}}"#, #"{"error": {"error": "Internal server error"}x}"#,
                   #"{"error": "Internal server error"#, #"{"error": "\#(kept)""#, #"{"error": \#(kept), "status_code": 500}"#]
        XCTAssertEqual(disagreements([edit(kept)] + cut + [edit(kept)] + cut), [])
    }

    /// Random edits of a remembered failure line (its error body kept), decoded right after it.
    func testRandomEditsOfARememberedErrorBody() {
        let base = Array(Self.failure.utf8)
        let alphabet = Array(" \t\n,:{}[]\"\\0123456789-.eEtrufalsnXx".utf8)
        // Half the edits fall in the body (its 36 bytes from the value's opening brace).
        let failure = Self.failure
        let body = failure.utf8.distance(from: failure.startIndex, to: failure.range(of: #"{"error""#)!.lowerBound)
        var rng = SplitMix64(seed: 11)
        var lines: [String] = []
        for _ in 0..<2000 {
            var bytes = base
            let at = rng.next() % 2 == 0 ? body + Int(rng.next() % 36) : Int(rng.next() % UInt64(bytes.count))
            randomEdit(&bytes, at: at, alphabet, &rng)
            lines += [Self.failure, String(decoding: bytes, as: UTF8.self)]
        }
        XCTAssertEqual(disagreements(lines), [])
    }

    /// `error` bodies recognised by their bytes among the last few decode as a fresh decoder
    /// reads them: more bodies than are kept, bodies that are prefixes of others or of what
    /// follows them, strings holding brackets, arrays, other kinds, bodies cut by the end of
    /// the line, bodies longer than are kept.
    func testRecentBodiesDecodeAsAFreshDecoder() {
        let base = #"{"timestamp": 1795000000.5, "region": "eu", "model": "m", "status_code": 500, "error": null, "latency_ms": 12.5}"#
        func edit(_ body: String) -> String {
            base.replacingOccurrences(of: #""error": null"#, with: #""error": "# + body)
        }
        let bodies = [
            #"{"error": "Internal server error"}"#, #"{"error": "Internal server error"} "#, #"{"error": "Internal server errors"}"#,
            #"{"a": 1}"#, #"{"a": 12}"#, #"{"a": 1, "b": [1, {"c": "}"}]}"#, #"{"e": "]}"}"#, "{}", "[]", "[1]", "[1, 2]",
            #"{"e": "café "x""}"#, #"{"e": "café"}"#, "null", #""text""#, "false", "5", #"{"e": 1} "#,
            #"{"e": "\#(String(repeating: "x", count: 250))"}"#, #"{"e": "\#(String(repeating: "x", count: 260))"}"#,
        ] + (0..<12).map { #"{"n": \#($0)}"# }
        var lines: [String] = []
        for (k, b) in bodies.enumerated() {
            lines += [edit(b), edit(bodies[(k * 5 + 2) % bodies.count]), edit(b)]
        }
        lines += bodies.reversed().map(edit)
        // A kept body followed by more bytes than the line's own, or cut by the end of the line.
        lines += [edit(#"{"a": 1}}"#), edit(#"{"a": 1}]"#), #"{"status_code": 500, "error": {"a": 1}"#,
                  #"{"status_code": 500, "error": {"a": 1"#, #"{"status_code": 500, "error": {"#, edit(#"{"a": 1}"#)]
        XCTAssertEqual(disagreements(lines + lines), [])
    }

    /// Every prefix of a remembered line, and of its headers object, is malformed as it is to a
    /// fresh decoder: the template never reads past the end of a line.
    func testEveryPrefixOfARememberedLine() {
        let base = Self.base
        var lines: [String] = []
        let bytes = Array(base.utf8)
        for n in 0..<bytes.count {
            lines += [base, String(decoding: bytes[..<n], as: UTF8.self)]
        }
        XCTAssertEqual(disagreements(lines), [])
    }

    /// Random edits of a remembered line near its separators (whitespace, commas, colons,
    /// quotes, braces, digits, letters), decoded right after the line itself.
    func testRandomEditsOfARememberedLine() {
        let base = Array(Self.base.utf8)
        let alphabet = Array(" \t\n\r,:{}[]\"\\0123456789-.eEtrufalsnXx".utf8)
        var rng = SplitMix64(seed: 7)
        var lines: [String] = []
        for _ in 0..<4000 {
            var bytes = base
            for _ in 0..<Int(rng.next() % 3 + 1) {
                randomEdit(&bytes, at: Int(rng.next() % UInt64(bytes.count)), alphabet, &rng)
            }
            lines += [Self.base, String(decoding: bytes, as: UTF8.self)]
        }
        XCTAssertEqual(disagreements(lines), [])
    }

    /// More members than the template keeps, and separators longer than it keeps.
    func testManyMembersAndLongKeys() {
        let many = "{" + (0..<40).map { #""k\#($0)": \#($0)"# }.joined(separator: ", ") + #", "status_code": 200, "model": "m"}"#
        let longKey = #"{"# + #""\#(String(repeating: "k", count: 200))": 1, "status_code": 200, "headers": {"\#(String(repeating: "h", count: 100))": "1", "X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "1"}}"#
        let manyHeaders = #"{"status_code": 200, "headers": {"# + (0..<30).map { #""H\#($0)": "\#($0)""# }.joined(separator: ", ")
            + #", "X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "1"}}"#
        XCTAssertEqual(disagreements([many, many, longKey, longKey, manyHeaders, manyHeaders, many, longKey, manyHeaders, Self.base]), [])
        XCTAssertEqual(try LogLineDecoder(source: source).decode(manyHeaders, now: now).get().rateLimit?.limit, 3)
    }

    /// `true`, `false` and `null` are read a word at a time: every cut and near miss fails,
    /// and the scanner stops right after the literal.
    func testLiterals() {
        let cases: [(String, JSONScanner.Literal?, Int)] = [
            ("true", .true, 4), ("false", .false, 5), ("null", .null, 4), ("nullx", .null, 4), ("true,", .true, 4),
            ("falsex", .false, 5), ("", nil, 0), ("t", nil, 0), ("tru", nil, 0), ("fals", nil, 0), ("falsy", nil, 0),
            ("nul", nil, 0), ("nulL", nil, 0), ("True", nil, 0), ("NULL", nil, 0), ("trux", nil, 0), ("xnull", nil, 0),
        ]
        for (text, expected, length) in cases {
            var bytes = Array(text.utf8) + [0]
            bytes.withUnsafeMutableBufferPointer { buffer in
                var s = JSONScanner(UnsafePointer(buffer.baseAddress!), count: buffer.count - 1)
                let literal = try? s.scanLiteral()
                XCTAssertEqual(literal, expected, text)
                if expected != nil { XCTAssertEqual(s.i, length, text) }
            }
        }
        XCTAssertEqual(disagreements([#"{"status_code": 200, "error": false, "a": [true, null, false]}"#,
                                      #"{"status_code": 200, "error": fals}"#, #"{"status_code": 200, "error": falsee}"#,
                                      #"{"status_code": 200, "error": nul"#, #"{"status_code": 200, "error": true}"#]), [])
    }

    /// Digit runs are valued eight bytes at a time: every run length in the integer and the
    /// fraction, every byte after a run (those next to the digits' range included), a number
    /// cut by the end of the text. The value and the end are `scanNumber` + `double`'s.
    func testScanDoubleDigitRuns() {
        var rng = SplitMix64(seed: 11)
        func digits(_ n: Int) -> String {
            String((0..<n).map { _ in Character(String(rng.next() % 10)) })
        }
        var texts: [String] = []
        for intLength in 1...24 {
            for fracLength in [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 23] {
                var int = digits(intLength)
                if int.first == "0" && intLength > 1 { int = "1" + int.dropFirst() }
                let number = (rng.next() % 4 == 0 ? "-" : "") + int + (fracLength > 0 ? "." + digits(fracLength) : "")
                for tail in ["", ",", "}", " ", "/", ":", "x", "e5", "E-3", "\u{0}", "0", "\u{ff}"] {
                    texts.append(number + tail)
                }
            }
        }
        texts += ["0", "0.0", "0.00000000000000000000000001", "1.0000000000000000000001", "12345678", "123456789",
                  "1234567.", "12345678.9", "99999999999999999999", "18446744073709551615", "18446744073709551616"]
        for text in texts {
            // Correctly rounded while the digits fit a Double's mantissa exactly (beyond, both
            // round twice, alike: `double`'s documented form).
            assertScanDoubleMatchesScanNumber(text) { number in
                number.filter(\.isNumber).count <= 15 && !number.contains("e") && !number.contains("E")
            }
        }
    }

    /// The word-at-a-time fast path (`shortDecimal`): numbers of every length up to and past
    /// what it takes (15 integer digits, 7 fraction digits, 18 in all), with and without a
    /// fraction, leading zeros, signs, exponents and every kind of byte after them, in texts
    /// cut right after them or padded far enough for its words to be read. The value and the
    /// end are `scanNumber` + `double`'s.
    func testScanDoubleShortDecimals() {
        var rng = SplitMix64(seed: 23)
        func digits(_ n: Int) -> String {
            String((0..<n).map { _ in Character(String(rng.next() % 10)) })
        }
        var texts: [String] = []
        for intLength in 0...17 {
            for fracLength in [-1, 0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 14, 15, 16] {
                for lead in ["", "0", "00", "-", "-0"] {
                    let number = lead + digits(intLength) + (fracLength >= 0 ? "." + digits(fracLength) : "")
                    guard !number.isEmpty else { continue }
                    for tail in ["", ",", "}", " ", ".", "..", "e5", "E-3", "e", "x", "\u{0}", "\u{ff}", "-1", "+"] {
                        texts.append(number + tail)
                        texts.append(number + tail + String(repeating: " ", count: 16))
                        texts.append(number + tail + ", \"a\": 1234567890123}")
                    }
                }
            }
        }
        // The bench's forms; the 2^53 boundary (15 digits is the most the path takes);
        // negative zero; the largest 15-digit values.
        texts += ["1795000000.0413, ", "1795000000.5640001, \"r", "1795000000.56400012, \"r", "1775.908, \"finish_reason\"",
                  "123456789012345.1234, xxxx", "123456789012345.12345, xxxx", "1234567890123.123456, xxxx", "123456789012.123456, xxxx", "99999999999.9999999, xxx",
                  "999999999999.9999999, xxx", "9999999999.9999999, xxxx", "9007199254740993, xxxxxxxx",
                  "900719925474099.3, xxxxxxxxx", "-0.0, xxxxxxxxxxxxxxx", "0.0, xxxxxxxxxxxxxxx",
                  "999999999999999, xxxxxxxx", "99999999999999.9, xxxxxxx", "0.00000000000001, xxx",
                  "0.000000000000001, xxx", "123456789012345e2, xxxx", "12345678901234.5E1, xxxx"]
        for text in texts {
            assertScanDoubleMatchesScanNumber(text) { number in
                number.filter(\.isNumber).count <= 15 && !number.contains("e") && !number.contains("E")
            }
        }
        // The path is taken for the bench's numbers, and left for what it does not cover.
        for (text, fast) in [("1795000000.0413, \"r", true), ("1795000000.5640001, \"r", true), ("1795000000.56400012, \"r", false),
                             ("1795000000.5640001", false), ("1795000000, \"region", true), ("1775.908, \"finish_", true), ("0.5,             ", true),
                             ("01.5,            ", false), ("-1.5,            ", false), ("1.5e3,           ", false),
                             ("1234567890123456,", false), ("1.,              ", false), ("1775.908", false)] {
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBufferPointer { buffer in
                var s = JSONScanner(UnsafePointer(buffer.baseAddress!), count: buffer.count)
                XCTAssertEqual(s.shortDecimal() != nil, fast, text)
            }
        }
    }

    /// `quotedDigits` (a word at a time up to 7 digits, a byte at a time beyond) takes exactly
    /// the strings of 1 to 15 digits without a leading zero, valued, `i` then after the closing
    /// quote; anything else is left (nothing consumed). Texts cut after the string or padded.
    func testQuotedDigits() {
        var rng = SplitMix64(seed: 5)
        var contents = ["", "0", "00", "01", "10", "7", "x", "1x", "12a", "-1", "1.5", "1e3", " 1", "1 ", "\\u0031",
                        "\u{0}", "\u{ff}", "123456789012345", "1234567890123456", "023"]
        for n in 1...17 {
            contents.append(String((0..<n).map { k in Character(String(k == 0 ? 1 + rng.next() % 9 : rng.next() % 10)) }))
        }
        for content in contents {
            for tail in ["", ",", "}", " ", "\"", "0"] {
                for padding in ["", String(repeating: " ", count: 16)] {
                    let text = "\"" + content + "\"" + tail + padding
                    var bytes = Array(text.utf8)
                    bytes.withUnsafeMutableBufferPointer { buffer in
                        var s = JSONScanner(UnsafePointer(buffer.baseAddress!), count: buffer.count)
                        let value = s.quotedDigits()
                        let expected = content.count >= 1 && content.count <= 15 && content.allSatisfy { $0 >= "0" && $0 <= "9" }
                            && (content.count == 1 || !content.hasPrefix("0")) ? UInt64(content) : nil
                        XCTAssertEqual(value, expected, text)
                        XCTAssertEqual(s.i, expected == nil ? 0 : content.utf8.count + 2, text)
                    }
                }
            }
        }
    }

    /// `plainInteger` takes exactly the plain integers, valued as `scanDouble` values them.
    func testPlainInteger() {
        for text in ["7", "200", "200,", "200}", "999 ", "123456789012345", "1234567890123456", "0", "00", "01",
                     "-1", "2.5", "2e2", "2E2", "20.", "", "x", "12345678", "123456789,"] {
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBufferPointer { buffer in
                let base = UnsafePointer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
                var a = JSONScanner(base, count: buffer.count)
                var b = JSONScanner(base, count: buffer.count)
                let plain = a.plainInteger()
                let digits = text.prefix { $0.isNumber }
                let expected = digits.count >= 1 && digits.count <= 15 && !digits.hasPrefix("0")
                    && !(text.dropFirst(digits.count).first.map { ".eE".contains($0) } ?? false)
                XCTAssertEqual(plain != nil, expected, text)
                if let plain {
                    let v = try? b.scanDouble()
                    XCTAssertEqual(v, Double(plain), text)
                    XCTAssertEqual(a.i, b.i, text)
                } else {
                    XCTAssertEqual(a.i, 0, text)
                }
            }
        }
        XCTAssertEqual(disagreements([#"{"status_code": 200}"#, #"{"status_code": 201}"#, #"{"status_code": 2001}"#, #"{"status_code": 20"#]), [])
    }

    /// Remapped field names: the template keeps what the source's names say.
    func testRemappedNames() {
        var s = source
        s.fields.status = "code"
        s.fields.model = "status_code"
        let lines = [
            #"{"code": 201, "status_code": "m1"}"#, #"{"code": 202, "status_code": "m2"}"#,
            #"{"status_code": "m3", "code": 203}"#, #"{"code": 204, "status_code": "m4"}"#,
        ]
        XCTAssertEqual(disagreements(lines, source: s), [])
    }

    /// `bytes` decoded from a buffer of exactly their length: a String's or an Array's storage
    /// may hold bytes after them, which AddressSanitizer lets a read reach; this one's end is
    /// followed by a redzone. The record is described while it borrows the buffer (its request
    /// id and headers read from there).
    func decodeExactly(_ bytes: [UInt8], _ decoder: LogLineDecoder) -> String {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: bytes)
        var text = ""
        if let reason = decoder.decode(UnsafeBufferPointer(buffer), now: now, into: { text = describe(.success($0)) }) {
            text = describe(.failure(reason))
        }
        return text
    }

    /// Every prefix of a success and a failure line, and random edits of them, each decoded from
    /// exactly its bytes by a decoder that has just read the whole line (its templates and
    /// recent values at their longest) and by a fresh one: under AddressSanitizer
    /// (`make sanitize`) a word read past a line's end fails here. The two must also agree.
    func testCutAndEditedLinesAreReadWithinTheirBytes() {
        let alphabet = Array(" \t,:{}[]\"\\0123456789-.eEtrufalsn".utf8)
        var rng = SplitMix64(seed: 5)
        var disagreements: [String] = []
        for line in [Self.base, Self.failure] {
            let whole = Array(line.utf8)
            var variants = (0...whole.count).map { Array(whole[..<$0]) }
            for _ in 0..<1000 {
                var bytes = whole
                randomEdit(&bytes, at: Int(rng.next() % UInt64(bytes.count)), alphabet, &rng)
                let cut = Int(rng.next() % UInt64(bytes.count + 1))
                variants.append(Array(bytes[..<(rng.next() % 2 == 0 ? bytes.count : cut)]))
            }
            let warm = LogLineDecoder(source: source)
            for bytes in variants {
                _ = decodeExactly(whole, warm)
                let kept = decodeExactly(bytes, warm)
                let fresh = decodeExactly(bytes, LogLineDecoder(source: source))
                if kept != fresh && disagreements.count < 3 {
                    disagreements.append("\(String(decoding: bytes, as: UTF8.self))\n  reused: \(kept)\n  fresh:  \(fresh)")
                }
            }
        }
        XCTAssertEqual(disagreements, [])
    }
}
