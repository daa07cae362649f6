import Foundation
import Synchronization
import XCTest
@testable import GatewatchCore

/// Bad input never traps, hangs or escapes the closed lists: cut-short bodies, random bytes,
/// huge bodies, deep nesting, many threads at once.
final class ClassifierRobustnessTests: XCTestCase {
    private let classifier = ErrorClassifier()

    private func assertInContract(_ c: Classification?, _ context: @autoclosure () -> String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        guard let c else {
            XCTFail("nil for a failure: \(context())", file: file, line: line)
            return
        }
        XCTAssertTrue(ClassifierTableTests.contractReasons[c.errorClass]?.contains(c.reason) == true,
                      "\(c) for \(context())", file: file, line: line)
    }

    private static let sampleBodies: [String] = [
        "{\"error\": \"Authentication error, API token missing/invalid\", \"status\": \"error\", \"request_id\": \"6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd\"}",
        "{\"code\": 400, \"message\": \"invalid request body\", \"metadata\": {\"errors\": [\"one of messages or prompt required\", \"model {model} is not supported\"]}}",
        "{\"status\": \"error\", \"audio_url\": \"https://foo.bar\", \"error\": \"Download error, unable to download https://foo.bar. Please \\\"make\\\" sure\\u0020it exists.\"}",
        "{\"error\": {\"message\": \"The model `x` does not exist\", \"type\": \"invalid_request_error\", \"param\": null, \"code\": \"model_not_found\"}, \"n\": [1, -2.5e3, true, false, null, {}, []]}",
        "404: Not Found",
    ]

    func testEveryPrefixOfEveryBody() {
        for body in Self.sampleBodies {
            let bytes = Array(body.utf8)
            for cut in 0...bytes.count {
                let text = String(decoding: bytes[0..<cut], as: UTF8.self)
                for api in ProviderAPI.allCases {
                    for status in [400, 401, 403, 404, 422, 429, 503] {
                        assertInContract(classifier.classify(classifierRecord(status: status, body: .json(text)), api: api),
                                         "\(status) \(text)")
                    }
                    // A 2xx: nil, or a processing failure.
                    if let c = classifier.classify(classifierRecord(status: 200, body: .json(text)), api: api) {
                        XCTAssertEqual(c.errorClass, .processing, text)
                    }
                }
                assertInContract(TransportErrorClassifier.classify(.message(text)), text)
            }
        }
    }

    func testSeededRandomBytes() {
        var rng = SplitMix64(seed: 0x6761_7465_7761_7463)
        let alphabet = Array("{}[]\":,\\u0123456789abcdefABCDEF tnrfl-+.eE/:_`'<>\u{1}é".utf8)
        for round in 0..<2_000 {
            let length = Int(rng.next() % 200)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                // Mostly JSON-ish bytes, sometimes any byte at all.
                bytes.append(rng.next() % 8 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))])
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let status = [200, 400, 403, 404, 429, 500][round % 6]
            let c = classifier.classify(classifierRecord(status: status, body: round % 2 == 0 ? .json(text) : .text(text)), api: .assemblyAISpeech)
            if status == 200 {
                XCTAssertTrue(c == nil || c?.errorClass == .processing, text)
            } else {
                assertInContract(c, text)
            }
            assertInContract(TransportErrorClassifier.classify(.curl(code: Int(rng.next() % 100), message: text)), text)
        }
    }

    func testHugeAndDeepBodies() {
        // A 2 MB transcript whose top-level status comes last.
        let words = String(repeating: "{\"text\": \"error status\", \"start\": 1, \"end\": 2, \"confidence\": 0.9},", count: 30_000)
        let completed = "{\"id\": \"x\", \"words\": [\(words) {}], \"text\": \"error error\", \"status\": \"completed\"}"
        XCTAssertNil(classifier.classify(classifierRecord(status: 200, body: .json(completed)), api: .assemblyAISpeech))
        let failed = "{\"id\": \"x\", \"words\": [\(words) {}], \"error\": \"Audio duration is too short.\", \"status\": \"error\"}"
        XCTAssertEqual(classifier.classify(classifierRecord(status: 200, body: .json(failed)), api: .assemblyAISpeech)?.description,
                       "processing/audio_too_short")
        // A message far over the fold limit: the start still decides.
        let long = "Transcript creation error, audio_url not found " + String(repeating: "lorem ipsum ", count: 100_000)
        XCTAssertEqual(classifier.classify(classifierRecord(status: 400, body: .json("{\"error\": \"\(long)\"}")), api: .assemblyAISpeech)?.description,
                       "bad_request/missing_audio_url")
        XCTAssertEqual(classifier.classify(classifierRecord(status: 400, body: .text(long)), api: .assemblyAISpeech)?.description,
                       "bad_request/missing_audio_url")
        // Nesting past the reader's limit is read as text, never recursed into without bound.
        let deep = String(repeating: "{\"error\": ", count: 100_000) + "\"zorp\"" + String(repeating: "}", count: 100_000)
        XCTAssertEqual(classifier.classify(classifierRecord(status: 400, body: .json(deep)), api: .assemblyAILLMGateway)?.description,
                       "bad_request/other")
        // A huge errors[] list: only the first messages are read, the first rows still decide.
        let many = "{\"errors\": [\"`punctuate` must be a Boolean\", " + String(repeating: "\"zorp blib\", ", count: 100_000) + "\"x\"]}"
        XCTAssertEqual(classifier.classify(classifierRecord(status: 400, body: .json(many)), api: .assemblyAISpeech)?.description,
                       "bad_request/wrong_type")
        var text = ClassifierText()
        for _ in 0..<1_000 { text.append(String(repeating: "word ", count: 1_000)) }
        XCTAssertGreaterThan(text.parts.count, 1)
        XCTAssertLessThanOrEqual(text.parts.count, ClassifierText.maxParts)
        XCTAssertLessThan(text.bytes.count, ClassifierText.maxBytes + ClassifierText.maxPartBytes + 2)
        let nested = String(repeating: "{\"error\": ", count: 10) + "\"`punctuate` must be a Boolean\"" + String(repeating: "}", count: 10)
        XCTAssertEqual(classifier.classify(classifierRecord(status: 400, body: .json(nested)), api: .assemblyAISpeech)?.description,
                       "bad_request/wrong_type")
    }

    func testManyThreadsAtOnce() {
        // Stateless and Sendable: the tables are built once, whichever thread gets there first.
        let bodies: [(Int, ErrorBody, String)] = [
            (400, speechBody("`punctuate` must be a Boolean"), "bad_request/wrong_type"),
            (403, speechBody("Too many requests"), "rate_limited/too_many_requests"),
            (200, failedJobBody("Audio duration is too short."), "processing/audio_too_short"),
            (404, .text("404: Not Found"), "not_found/unsupported_subtitle_format"),
        ]
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            let classifier = ErrorClassifier()
            for i in 0..<2_000 {
                let (status, body, expected) = bodies[(i + worker) % bodies.count]
                if classifier.classify(classifierRecord(status: status, body: body), api: .assemblyAISpeech)?.description != expected {
                    mismatches.withLock { $0 += 1 }
                }
            }
        }
        XCTAssertEqual(mismatches.withLock { $0 }, 0)
    }
}
