import Foundation
import XCTest
@testable import Simulator

/// The speech API against a live simulator: seed 002's request-time bodies byte-exact (plus the
/// request_id line), the job lifecycle and its processing messages.
final class SpeechAPITests: XCTestCase {
    private func submit(_ sim: LiveSimulator, _ body: String, on listener: LiveSimulator.Listener = .us,
                        auth: String? = SimulatorOptions.demoKey) -> Reply {
        sim.request("POST", "/v2/transcript", on: listener, body: body, auth: auth)
    }

    private func seedBody(_ message: String) -> String {
        "{\n\"error\": \(message),\n\"request_id\": \"RID\"\n}"
    }

    func testLifecycleQueuedProcessingCompleted() throws {
        let sim = try LiveSimulator()
        let created = submit(sim, #"{"audio_url": "https://example.com/a.mp3", "speech_models": ["universal-3-pro"]}"#)
        XCTAssertEqual(created.status, 200)
        XCTAssertEqual(created.json["status"] as? String, "queued")
        let id = try XCTUnwrap(created.json["id"] as? String)
        XCTAssertNotNil(created.requestID)
        XCTAssertEqual(sim.request("GET", "/v2/transcript/\(id)").json["status"] as? String, "queued")
        sim.clock.advance(by: 1.5)
        XCTAssertEqual(sim.request("GET", "/v2/transcript/\(id)").json["status"] as? String, "processing")
        sim.clock.advance(by: 2)
        let done = sim.request("GET", "/v2/transcript/\(id)")
        XCTAssertEqual(done.json["status"] as? String, "completed")
        XCTAssertEqual(done.json["text"] as? String, "This is a simulated transcript.")
        XCTAssertTrue(done.json["error"] is NSNull)
        XCTAssertEqual(sim.request("GET", "/v2/transcript/\(id)", on: .eu).status, 400, "US transcripts are not in the EU")
    }

    func testEachProcessingFailureEndsInStatusErrorWithTheSeedMessage() throws {
        let sim = try LiveSimulator()
        let expected: [ProcessingFailure: String] = [
            .downloadFailed: "Download error, unable to download https://example.com/x.mp3?sim_error=download_failed. Please make sure the file exists and is accessible from the internet.",
            .audioTooShort: "Audio duration is too short.",
            .noSpeech: "language_detection cannot be performed on files with no spoken audio.",
            .emptyFile: "No content found at https://example.com/x.mp3?sim_error=empty_file. Please make sure the file exists and is not empty.",
        ]
        for failure in ProcessingFailure.allCases {
            let url = "https://example.com/x.mp3?sim_error=\(failure.rawValue)"
            let id = try XCTUnwrap(submit(sim, #"{"audio_url": "\#(url)"}"#).json["id"] as? String)
            sim.clock.advance(by: 5)
            let reply = sim.request("GET", "/v2/transcript/\(id)")
            XCTAssertEqual(reply.status, 200)
            XCTAssertEqual(reply.json["status"] as? String, "error", failure.rawValue)
            XCTAssertEqual(reply.json["error"] as? String, failure.message(audioURL: url))
            if let message = expected[failure] { XCTAssertEqual(reply.json["error"] as? String, message) }
        }
    }

    func testEachSubmitValidationMessageByteExact() throws {
        let sim = try LiveSimulator()
        let cases: [(String, String)] = [
            (#"{"language_code": "en"}"#, #""Transcript creation error, audio_url not found""#),
            (#"{"audio_url": "u", "language_code": "xx"}"#,
             #""Language code xx is not supported. See https://www.assemblyai.com/docs/concepts/supported-languages.""#),
            (#"{"audio_url": "u", "speech_models": []}"#,
             #""\"speech_models\" must be a non-empty list containing one or more of: \"universal-3-pro\", \"universal-2\"""#),
            (#"{"audio_url": "u", "speech_models": ["nano"]}"#,
             #""\"speech_models\" must be a non-empty list containing one or more of: \"universal-3-pro\", \"universal-2\"""#),
            (#"{"audio_url": "u", "speech_model": "universal-2"}"#,
             #""speech_model is deprecated. Use \"speech_models\" instead. See documentation: https://www.assemblyai.com/docs/pre-recorded-audio/select-the-speech-model""#),
            (#"{"audio_url": "u", "language_code": "en", "language_detection": true}"#,
             #""`language_detection` is not available when `language_code` is specified.""#),
            (#"{"audio_url": "u", "punctuate": "yes"}"#, #""`punctuate` must be a Boolean""#),
            (#"{"audio_url": "u", "punctuate": 1}"#, #""`punctuate` must be a Boolean""#),
            (#"{"audio_url": "u", "webhook_url": "ftp://x"}"#,
             #""Invalid `webhook_url`, `webhook_url` should start with http.""#),
            (#"{"audio_url": "u", "redact_pii": true}"#, #""You must explicitly define 'redact_pii_policies'""#),
            (#"{"audio_url": "u", "redact_pii": true, "redact_pii_policies": ["nope"]}"#,
             #""Unsupported policy name in 'redact_pii_policies', supported policy names are [person_name, phone_number, email_address, credit_card_number, date_of_birth, location, medical_condition, banking_information]""#),
            (#"{"audio_url": "u", "redact_pii": true, "redact_pii_policies": ["person_name"], "redact_pii_audio_quality": "ogg"}"#,
             #""Invalid `redact_pii_audio_quality` value, choose 'mp3' or 'wav'""#),
            (#"{"audio_url": "u", "language_code": "vi", "speaker_labels": true}"#,
             #""The following models are not available in this language: speaker_labels""#),
            ("{not json", #""Error processing request, json data invalid""#),
        ]
        for (body, message) in cases {
            let reply = submit(sim, body)
            XCTAssertEqual(reply.status, 400, body)
            XCTAssertEqual(reply.bodyWithoutRequestID, seedBody(message), body)
        }
        // Legacy singular values are ignored (seed 002).
        XCTAssertEqual(submit(sim, #"{"audio_url": "u", "speech_model": "best"}"#).status, 200)
    }

    func testAuthAndBilling() throws {
        let sim = try LiveSimulator { $0.apiKeys = ["good", "broke"]; $0.depletedKeys = ["broke"] }
        for auth in [nil, "bad", "Bearer good"] as [String?] {
            let reply = submit(sim, #"{"audio_url": "u"}"#, auth: auth)
            XCTAssertEqual(reply.status, 401)
            XCTAssertEqual(reply.bodyWithoutRequestID, seedBody(#""Authentication error, API token missing/invalid.""#))
        }
        let broke = submit(sim, #"{"audio_url": "u"}"#, auth: "broke")
        XCTAssertEqual(broke.status, 400)
        XCTAssertEqual(broke.bodyWithoutRequestID,
                       seedBody(#""Your current account balance is negative. Please top up to continue using the API.""#))
        XCTAssertEqual(sim.request("GET", "/v2/transcript?limit=1", auth: "broke").status, 200, "reading costs nothing")
        XCTAssertEqual(sim.request("GET", "/v2/transcript?limit=1", auth: nil).status, 401)
    }

    func testListNewestFirstAndLimitValidation() throws {
        let sim = try LiveSimulator()
        var ids: [String] = []
        for i in 0..<3 {
            ids.append(try XCTUnwrap(submit(sim, #"{"audio_url": "https://example.com/\#(i).mp3"}"#).json["id"] as? String))
        }
        let list = sim.request("GET", "/v2/transcript?limit=2")
        XCTAssertEqual(list.status, 200)
        let items = try XCTUnwrap(list.json["transcripts"] as? [[String: Any]])
        XCTAssertEqual(items.compactMap { $0["id"] as? String }, [ids[2], ids[1]])
        XCTAssertEqual((list.json["page_details"] as? [String: Any])?["result_count"] as? Int, 2)
        XCTAssertEqual(sim.request("GET", "/v2/transcript?limit=1", on: .eu).json["transcripts"] as? [String], [])
        for bad in ["0", "-3", "x"] {
            let reply = sim.request("GET", "/v2/transcript?limit=\(bad)")
            XCTAssertEqual(reply.status, 400)
            XCTAssertEqual(reply.bodyWithoutRequestID, seedBody(#""'limit' must be greater than or equal to 1""#))
        }
    }

    func testUnknownTranscriptCaptionsAndSubtitleFormat() throws {
        let sim = try LiveSimulator()
        let unknown = sim.request("GET", "/v2/transcript/00000000-0000-0000-0000-000000000000")
        XCTAssertEqual(unknown.status, 400)
        XCTAssertEqual(unknown.bodyWithoutRequestID, seedBody(#""Transcript lookup error, transcript id not found""#))
        let id = try XCTUnwrap(submit(sim, #"{"audio_url": "u"}"#).json["id"] as? String)
        let early = sim.request("GET", "/v2/transcript/\(id)/srt")
        XCTAssertEqual(early.status, 400)
        XCTAssertEqual(early.bodyWithoutRequestID, seedBody(
            #""This transcript has a status of 'queued'. Transcripts must have a status of 'completed' before requesting captions.""#))
        let html = sim.request("GET", "/v2/transcript/\(id)/txt")
        XCTAssertEqual(html.status, 404)
        XCTAssertEqual(html.body, "404: Not Found")
        XCTAssertEqual(html.header("Content-Type"), "text/html; charset=utf-8")
        sim.clock.advance(by: 10)
        XCTAssertEqual(sim.request("GET", "/v2/transcript/\(id)/srt").status, 200)
        XCTAssertEqual(sim.request("GET", "/v2/transcript/\(id)/word-search").bodyWithoutRequestID,
                       seedBody(#""`words` is a required query parameter""#))
    }

    func testUploadEmptyBodyAndRegionMismatch() throws {
        let sim = try LiveSimulator()
        let empty = sim.request("POST", "/v2/upload", body: "")
        XCTAssertEqual(empty.status, 422)
        XCTAssertEqual(empty.body, "Upload failed, please try again. If you continue to have issues please reach out to support@assemblyai.com")
        let uploaded = sim.request("POST", "/v2/upload", on: .us, body: "RIFF....WAVE")
        let url = try XCTUnwrap(uploaded.json["upload_url"] as? String)
        let us = try XCTUnwrap(submit(sim, #"{"audio_url": "\#(url)"}"#, on: .us).json["id"] as? String)
        let eu = try XCTUnwrap(submit(sim, #"{"audio_url": "\#(url)"}"#, on: .eu).json["id"] as? String)
        sim.clock.advance(by: 10)
        XCTAssertEqual(sim.request("GET", "/v2/transcript/\(us)", on: .us).json["status"] as? String, "completed")
        let mismatch = sim.request("GET", "/v2/transcript/\(eu)", on: .eu).json
        XCTAssertEqual(mismatch["status"] as? String, "error")
        XCTAssertEqual(mismatch["error"] as? String,
                       "File not found at \(url). Make sure the file was uploaded recently and that you're transcribing from the same region.")
    }
}
