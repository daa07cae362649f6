import XCTest
@testable import GatewatchCore

/// Every error body and message printed in /work/shared/seeds, exactly as printed, with the
/// (class, reason) it must get. Reworded variants are in `ClassifierRewordingTests`.
final class ClassifierSeedTests: XCTestCase {
    // MARK: Seed 000: LLM Gateway troubleshooting

    func testGatewayAuthenticationBodies() {
        let body = ErrorBody.json("""
        {
          "error": "Authentication error, API token missing/invalid",
          "status": "error",
          "request_id": "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd"
        }
        """)
        assertClassifications([
            ClassifierCase(401, body, "auth/invalid_key"),
            ClassifierCase(403, body, "auth/forbidden"),
        ], api: .assemblyAILLMGateway)
    }

    func testGatewayBadRequestEnvelope() {
        // The example body exactly as seed 000 prints it.
        let body = ErrorBody.json("""
        {
          "code": 400,
          "message": "invalid request body",
          "request_id": "2a9adf03-c73e-4333-a42d-54b515e6afbd",
          "metadata": {
            "errors": [
              "one of messages or prompt required"
            ]
          }
        }
        """)
        assertClassifications([ClassifierCase(400, body, "bad_request/missing_messages")], api: .assemblyAILLMGateway)
    }

    func testGatewayMetadataErrorStrings() {
        // The table "Validation errors in detail", with its placeholders and filled in.
        assertClassifications([
            ClassifierCase(400, gatewayValidationBody(["one of messages or prompt required"]), "bad_request/missing_messages"),
            ClassifierCase(400, gatewayValidationBody(["model {model} is not supported"]), "bad_request/model_not_supported"),
            ClassifierCase(400, gatewayValidationBody(["model claude-sonnet-9 is not supported"]), "bad_request/model_not_supported"),
            ClassifierCase(400, gatewayValidationBody(["model context limit exceeded"]), "bad_request/context_limit_exceeded"),
            ClassifierCase(400, gatewayValidationBody(["model_region can only be set to global"]), "bad_request/invalid_model_region"),
            ClassifierCase(400, gatewayValidationBody(["fallback_config depth cannot be greater than 2"]),
                           "bad_request/fallback_depth_exceeded"),
            ClassifierCase(400, gatewayValidationBody(["response_format is invalid: {detail}"]), "bad_request/invalid_response_format"),
            ClassifierCase(400, gatewayValidationBody(["response_format is invalid: json_schema.name is required"]),
                           "bad_request/invalid_response_format"),
            // The envelope alone, or with an error no row knows: the status's class, reason other.
            ClassifierCase(400, gatewayValidationBody([]), "bad_request/other"),
            ClassifierCase(400, gatewayValidationBody(["something nobody documented"]), "bad_request/other"),
        ], api: .assemblyAILLMGateway)
    }

    func testGatewayTranscriptNotFound() {
        assertClassifications([
            ClassifierCase(404, .json("""
            {
              "code": 404,
              "message": "transcript not found",
              "request_id": "bf08febb-ee48-4ce1-b473-7c7b15561033"
            }
            """), "not_found/transcript_not_found"),
            // "In that case the message will be "transcript deleted"."
            ClassifierCase(404, .json("""
            {
              "code": 404,
              "message": "transcript deleted",
              "request_id": "bf08febb-ee48-4ce1-b473-7c7b15561033"
            }
            """), "not_found/transcript_deleted"),
        ], api: .assemblyAILLMGateway)
    }

    func testGatewayRateLimitAndServerErrors() {
        // Seed 000/001/003 print no 429 or 5xx body: the status decides.
        let cases: [ClassifierCase] = [
            ClassifierCase(429, nil, "rate_limited/model_rate_limit"),
            ClassifierCase(429, .json("{\"error\": \"Too Many Requests\"}"), "rate_limited/model_rate_limit"),
            ClassifierCase(500, nil, "server/status_500"),
            ClassifierCase(502, .text("<html><body><h1>502 Bad Gateway</h1></body></html>"), "server/status_502"),
            ClassifierCase(503, .json("{\"error\": \"upstream unavailable\"}"), "server/status_503"),
            ClassifierCase(504, .text("upstream request timeout"), "server/status_504"),
            ClassifierCase(529, nil, "server/status_5xx"),
            ClassifierCase(501, .json("{\"error\": \"Authentication error, API token missing/invalid\"}"), "server/status_5xx"),
        ]
        for api in ProviderAPI.allCases { assertClassifications(cases, api: api) }
    }

    // MARK: Seed 002: speech-to-text, errors when requesting a transcription

    func testSpeechRequestErrors() {
        assertClassifications([
            ClassifierCase(400, .json("{\n\"error\": \"Transcript creation error, audio_url not found\"\n}"),
                           "bad_request/missing_audio_url"),
            ClassifierCase(400, .json("{\n\"error\": \"Language code <code> is not supported. See https://www.assemblyai.com/docs/concepts/supported-languages.\"\n}"),
                           "bad_request/unsupported_language"),
            ClassifierCase(400, .json("{\n\"error\": \"Language code xx is not supported. See https://www.assemblyai.com/docs/concepts/supported-languages.\"\n}"),
                           "bad_request/unsupported_language"),
            ClassifierCase(400, .json("{\n\"error\": \"\\\"speech_models\\\" must be a non-empty list containing one or more of: \\\"universal-3-pro\\\", \\\"universal-2\\\"\"\n}"),
                           "bad_request/invalid_speech_models"),
            ClassifierCase(400, .json("{\n\"error\": \"speech_model is deprecated. Use \\\"speech_models\\\" instead. See documentation: https://www.assemblyai.com/docs/pre-recorded-audio/select-the-speech-model\"\n}"),
                           "bad_request/deprecated_speech_model"),
            ClassifierCase(400, .json("{\n\"error\": \"`language_detection` is not available when `language_code` is specified.\"\n}"),
                           "bad_request/conflicting_language_options"),
            ClassifierCase(400, .json("{\n\"error\": \"`punctuate` must be a Boolean\"\n}"),
                           "bad_request/wrong_type"),
            ClassifierCase(400, .json("{\n\"error\": \"Invalid `webhook_url`, `webhook_url` should start with http.\"\n}"),
                           "bad_request/invalid_webhook_url"),
            ClassifierCase(400, .json("{\n\"error\": \"You must explicitly define 'redact_pii_policies'\"\n}"),
                           "bad_request/invalid_pii_options"),
            ClassifierCase(400, .json("{\n\"error\": \"Unsupported policy name in 'redact_pii_policies', supported policy names are [...]\"\n}"),
                           "bad_request/invalid_pii_options"),
            ClassifierCase(400, .json("{\n\"error\": \"Invalid `redact_pii_audio_quality` value, choose 'mp3' or 'wav'\"\n}"),
                           "bad_request/invalid_pii_options"),
            ClassifierCase(400, .json("{\n\"error\": \"Error processing request, json data invalid\"\n}"),
                           "bad_request/malformed_json"),
            ClassifierCase(400, .json("{\n\"error\": \"The following models are not available in this language: speaker_labels\"\n}"),
                           "bad_request/feature_unsupported_for_language"),
            ClassifierCase(400, .json("{\n\"error\": \"Your current account balance is negative. Please top up to continue using the API.\"\n}"),
                           "billing/insufficient_funds"),
            ClassifierCase(401, .json("{\n\"error\": \"Authentication error, API token missing/invalid.\"\n}"),
                           "auth/invalid_key"),
            ClassifierCase(400, .json("{\n\"error\": \"Transcript lookup error, transcript id not found\"\n}"),
                           "not_found/transcript_not_found"),
            ClassifierCase(500, .json("{\n\"error\": \"Internal server error. Please retry your request. If the error persists, please contact support@assemblyai.com for more information.\"\n}"),
                           "server/status_500"),
        ], api: .assemblyAISpeech)
    }

    func testSpeechExportSubResourceAndUploadErrors() {
        assertClassifications([
            ClassifierCase(400, .json("{\n\"error\": \"This transcript has a status of '<status>'. Transcripts must have a status of 'completed' before requesting captions.\"\n}"),
                           "bad_request/transcript_not_ready"),
            ClassifierCase(400, .json("{\n\"error\": \"This transcript has a status of 'processing'. Transcripts must have a status of 'completed' before requesting sentences.\"\n}"),
                           "bad_request/transcript_not_ready"),
            ClassifierCase(400, .json("{\n\"error\": \"This transcript has a status of 'queued'. Transcripts must have a status of 'completed' before requesting paragraphs.\"\n}"),
                           "bad_request/transcript_not_ready"),
            ClassifierCase(400, .json("{\n\"error\": \"`words` is a required query parameter\"\n}"),
                           "bad_request/missing_parameter"),
            ClassifierCase(400, .json("{\n\"error\": \"A redacted audio file for this transcript ID doesn't exist. Try submitting the transcript again with`redact_pii_audio`set to`true`.\"\n}"),
                           "not_found/redacted_audio_unavailable"),
            // The only non-JSON 404: the literal string "404: Not Found".
            ClassifierCase(404, .text("404: Not Found"), "not_found/unsupported_subtitle_format"),
            // Plain-text 422 of an empty upload.
            ClassifierCase(422, .text("Upload failed, please try again. If you continue to have issues please reach out to support@assemblyai.com"),
                           "bad_request/empty_upload"),
            ClassifierCase(400, .json("{\n\"error\": \"'limit' must be greater than or equal to 1\"\n}"),
                           "bad_request/invalid_parameter"),
        ], api: .assemblyAISpeech)
    }

    // MARK: Seed 002 and 003: failed jobs (a 200 with status "error")

    func testSpeechProcessingErrors() {
        let transcoding = "Transcoding failed. File type <mime> (<detail>) may be unsupported or an unexpected error occurred. See supported formats at https://www.assemblyai.com/docs/faq/what-audio-and-video-file-types-are-supported-by-your-api. If your file format is supported and you're still encountering this error, contact us at support@assemblyai.com."
        assertClassifications([
            ClassifierCase(200, failedJobBody(transcoding, audioURL: "https://www.youtube.com/watch?v=r8KTOBOMm0A"),
                           "processing/unsupported_media"),
            ClassifierCase(200, failedJobBody(transcoding.replacingOccurrences(of: "<mime> (<detail>)", with: "text/html (HTML document, ASCII text)")),
                           "processing/unsupported_media"),
            ClassifierCase(200, failedJobBody("No audio stream found in the file. File type is <mime> (<detail>)."),
                           "processing/no_audio_stream"),
            ClassifierCase(200, failedJobBody("No audio stream found in the file. File type is image/png (PNG image data, 640 x 480)."),
                           "processing/no_audio_stream"),
            ClassifierCase(200, failedJobBody("<audio_url> length=<bytes> exceeds max_content_length=5500000000"),
                           "processing/file_too_large"),
            ClassifierCase(200, failedJobBody("https://cdn.example.com/big.wav length=6000000000 exceeds max_content_length=5500000000"),
                           "processing/file_too_large"),
            ClassifierCase(200, failedJobBody("No content found at <url>. Please make sure the file exists and is not empty."),
                           "processing/empty_file"),
            ClassifierCase(200, failedJobBody("No content found at https://files.example.com/a.mp3. Please make sure the file exists and is not empty."),
                           "processing/empty_file"),
            ClassifierCase(200, failedJobBody("File not found at <url>. Make sure the file was uploaded recently and that you're transcribing from the same region."),
                           "processing/upload_region_mismatch"),
            ClassifierCase(200, failedJobBody("File not found at https://cdn.assemblyai.com/upload/8f2c. Make sure the file was uploaded recently and that you're transcribing from the same region."),
                           "processing/upload_region_mismatch"),
            ClassifierCase(200, failedJobBody("Download error, unable to download https://foo.bar. Please make sure the file exists and is accessible from the internet.", audioURL: "https://foo.bar"),
                           "processing/download_failed"),
            ClassifierCase(200, failedJobBody("Audio duration is too short.", audioURL: "https://foo.bar"),
                           "processing/audio_too_short"),
            ClassifierCase(200, failedJobBody("language_detection cannot be performed on files with no spoken audio."),
                           "processing/no_speech"),
            ClassifierCase(200, failedJobBody("detected language '<code>', confidence <c>, is below the requested confidence threshold value of '<threshold>'"),
                           "processing/low_language_confidence"),
            ClassifierCase(200, failedJobBody("detected language 'de', confidence 0.41, is below the requested confidence threshold value of '0.8'"),
                           "processing/low_language_confidence"),
            // Seed 003 "Failed transcriptions".
            ClassifierCase(200, .json("""
            {
                "status": "error",
                "error": "Download error to https://foo.bar, 403 Client Error: Forbidden for url: https://foo.bar"
            }
            """), "processing/download_failed"),
        ], api: .assemblyAISpeech)
    }

    // MARK: Seed 003: API overview

    func testSpeechOverviewStatusTable() {
        assertClassifications([
            ClassifierCase(401, .json("{\n  \"error\": \"Authentication error, API token missing/invalid\"\n}"), "auth/invalid_key"),
            // 403 on this API is "Too many requests"; with an auth message it is auth.
            ClassifierCase(403, .json("{\"error\": \"Too many requests\"}"), "rate_limited/too_many_requests"),
            ClassifierCase(403, .text("Too many requests"), "rate_limited/too_many_requests"),
            ClassifierCase(403, nil, "rate_limited/too_many_requests"),
            ClassifierCase(403, .json("{\n  \"error\": \"Authentication error, API token missing/invalid\"\n}"), "auth/forbidden"),
            ClassifierCase(404, .json("{\"error\": \"Not found\"}"), "not_found/other"),
            ClassifierCase(500, nil, "server/status_500"),
            ClassifierCase(503, nil, "server/status_503"),
            ClassifierCase(504, nil, "server/status_504"),
        ], api: .assemblyAISpeech)
    }

    // MARK: Seed 004: LLMAI, an OpenAI-compatible provider

    func testOpenAICompatibleTroubleshootingStatuses() {
        // The seed prints each status with its heading and meaning, not a body; the bodies here
        // are OpenAI-shaped with those words.
        assertClassifications([
            ClassifierCase(401, openAIBody(message: "Authentication Failed: the server couldn't validate your API key.",
                                           type: "authentication_error", code: "invalid_api_key"),
                           "auth/invalid_key"),
            ClassifierCase(402, openAIBody(message: "Account Balance Depleted: your prepaid credit has run out.",
                                           type: "billing_error"),
                           "billing/insufficient_funds"),
            ClassifierCase(402, nil, "billing/insufficient_funds"),
            ClassifierCase(404, openAIBody(message: "Model Not Recognized: GPT-5.4", code: "model_not_found"),
                           "bad_request/model_not_supported"),
            ClassifierCase(404, openAIBody(message: "The model `GPT-5.4` does not exist"),
                           "bad_request/model_not_supported"),
            ClassifierCase(400, openAIBody(message: "Invalid Request: messages array is absent or empty"),
                           "bad_request/missing_messages"),
            ClassifierCase(400, openAIBody(message: "Invalid Request: temperature is set outside the 0-2 range"),
                           "bad_request/invalid_parameter"),
            ClassifierCase(400, openAIBody(message: "Invalid Request: a message object is missing role or content"),
                           "bad_request/missing_parameter"),
            ClassifierCase(400, openAIBody(message: "Invalid Request: JSON is syntactically invalid"),
                           "bad_request/malformed_json"),
            ClassifierCase(400, openAIBody(message: "Invalid Request"), "bad_request/other"),
            ClassifierCase(429, openAIBody(message: "Rate Limit Hit", type: "rate_limit_error", code: "rate_limit_exceeded"),
                           "rate_limited/model_rate_limit"),
        ], api: .openAICompatible)
    }
}
