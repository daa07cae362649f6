import XCTest
@testable import GatewatchCore

/// The seeds say newer accounts may see slightly different messages: each seed message
/// reworded (case, punctuation, extra or moved words, another JSON shape) keeps its reason.
final class ClassifierRewordingTests: XCTestCase {
    func testGatewayRewordings() {
        assertClassifications([
            ClassifierCase(401, .json("{\"error\": \"AUTHENTICATION ERROR - api token is missing or invalid!\"}"), "auth/invalid_key"),
            ClassifierCase(403, .json("{\"error\": \"authentication error: API token invalid\", \"status\": \"error\"}"), "auth/forbidden"),
            ClassifierCase(400, gatewayValidationBody(["One of `messages` or `prompt` is required."]), "bad_request/missing_messages"),
            ClassifierCase(400, gatewayValidationBody(["messages: must not be empty"]), "bad_request/missing_messages"),
            ClassifierCase(400, gatewayValidationBody(["Model 'gpt-99' is not supported."]), "bad_request/model_not_supported"),
            ClassifierCase(400, gatewayValidationBody(["unknown model: gpt-99"]), "bad_request/model_not_supported"),
            ClassifierCase(400, gatewayValidationBody(["Model Context-Limit Exceeded (210000 > 200000 tokens)"]),
                           "bad_request/context_limit_exceeded"),
            ClassifierCase(400, gatewayValidationBody(["the input exceeds the model's context window"]),
                           "bad_request/context_limit_exceeded"),
            ClassifierCase(400, gatewayValidationBody(["`model_region` may only be set to \"global\""]),
                           "bad_request/invalid_model_region"),
            ClassifierCase(400, gatewayValidationBody(["fallback_config.depth must not be greater than 2"]),
                           "bad_request/fallback_depth_exceeded"),
            ClassifierCase(400, gatewayValidationBody(["Fallback depth exceeds the maximum of 2."]),
                           "bad_request/fallback_depth_exceeded"),
            ClassifierCase(400, gatewayValidationBody(["Response-Format invalid; schema missing"]),
                           "bad_request/invalid_response_format"),
            // The reason comes from metadata.errors whatever else the body says.
            ClassifierCase(400, .json("{\"message\": \"Invalid Request Body.\", \"metadata\": {\"errors\": [\"messages is required\"]}}"),
                           "bad_request/missing_messages"),
            ClassifierCase(404, .json("{\"code\": 404, \"message\": \"Transcript Not Found.\"}"), "not_found/transcript_not_found"),
            ClassifierCase(404, .json("{\"code\": 404, \"message\": \"The transcript was DELETED\"}"), "not_found/transcript_deleted"),
            ClassifierCase(404, .json("{\"error\": {\"message\": \"transcript does not exist\"}}"), "not_found/transcript_not_found"),
        ], api: .assemblyAILLMGateway)
    }

    func testSpeechRequestRewordings() {
        assertClassifications([
            ClassifierCase(400, speechBody("transcript creation error: the audio_url is required"), "bad_request/missing_audio_url"),
            ClassifierCase(400, speechBody("Missing audio URL."), "bad_request/missing_audio_url"),
            ClassifierCase(400, speechBody("LANGUAGE CODE 'xx' IS NOT SUPPORTED!"), "bad_request/unsupported_language"),
            ClassifierCase(400, speechBody("Unsupported language: xx (see docs)"), "bad_request/unsupported_language"),
            ClassifierCase(400, speechBody("`speech_models` should be a non empty list containing one or more of: universal-3-pro, universal-2, universal-3-pro-2026-01-15"),
                           "bad_request/invalid_speech_models"),
            ClassifierCase(400, speechBody("The speech_model parameter has been deprecated; use speech_models."),
                           "bad_request/deprecated_speech_model"),
            ClassifierCase(400, speechBody("speech_model is no longer supported on /v2/transcript. Use \"speech_models\" instead."),
                           "bad_request/deprecated_speech_model"),
            ClassifierCase(400, speechBody("language_detection is not available when language_codes is specified"),
                           "bad_request/conflicting_language_options"),
            ClassifierCase(400, speechBody("`language_codes` cannot be combined with `language_detection`."),
                           "bad_request/conflicting_language_options"),
            ClassifierCase(400, speechBody("`format_text` must be a boolean."), "bad_request/wrong_type"),
            ClassifierCase(400, speechBody("'speakers_expected' must be an integer"), "bad_request/wrong_type"),
            ClassifierCase(400, speechBody("invalid webhook_url: it should start with http:// or https://"), "bad_request/invalid_webhook_url"),
            ClassifierCase(400, speechBody("You must explicitly define `redact_pii_policies`."), "bad_request/invalid_pii_options"),
            ClassifierCase(400, speechBody("unsupported policy name in redact_pii_policies: foo"), "bad_request/invalid_pii_options"),
            ClassifierCase(400, speechBody("Invalid redact_pii_audio_quality value; choose mp3 or wav."), "bad_request/invalid_pii_options"),
            ClassifierCase(400, speechBody("error processing request: JSON data is invalid"), "bad_request/malformed_json"),
            ClassifierCase(400, speechBody("Malformed JSON in request body"), "bad_request/malformed_json"),
            ClassifierCase(400, speechBody("The following models are not available for this language: speaker_labels, sentiment_analysis"),
                           "bad_request/feature_unsupported_for_language"),
            ClassifierCase(400, speechBody("Your account balance is negative; please top-up to continue."), "billing/insufficient_funds"),
            ClassifierCase(400, speechBody("Insufficient funds. Add funds to continue."), "billing/insufficient_funds"),
            ClassifierCase(401, speechBody("authentication error. api token missing or invalid"), "auth/invalid_key"),
            ClassifierCase(400, speechBody("transcript lookup error: transcript ID not found!"), "not_found/transcript_not_found"),
            ClassifierCase(400, speechBody("Transcripts must have status 'completed' before requesting captions; this one is 'processing'."),
                           "bad_request/transcript_not_ready"),
            ClassifierCase(400, speechBody("words is a required query param"), "bad_request/missing_parameter"),
            ClassifierCase(400, speechBody("The redacted audio file for this transcript is not available."),
                           "not_found/redacted_audio_unavailable"),
            ClassifierCase(404, .text("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"),
                           "not_found/unsupported_subtitle_format"),
            ClassifierCase(404, .text("404 not found\n"), "not_found/unsupported_subtitle_format"),
            ClassifierCase(422, .text("upload failed. please try again."), "bad_request/empty_upload"),
            ClassifierCase(400, speechBody("The upload body is empty."), "bad_request/empty_upload"),
            ClassifierCase(400, speechBody("`limit` must be >= 1 (out of range)"), "bad_request/invalid_parameter"),
        ], api: .assemblyAISpeech)
    }

    func testProcessingRewordings() {
        assertClassifications([
            ClassifierCase(200, failedJobBody("transcoding FAILED: file type text/html may be unsupported"), "processing/unsupported_media"),
            ClassifierCase(200, failedJobBody("Unsupported file type: application/pdf"), "processing/unsupported_media"),
            ClassifierCase(200, failedJobBody("no audio stream was found in this file (video/mp4)"), "processing/no_audio_stream"),
            ClassifierCase(200, failedJobBody("The file exceeds the maximum size: length=6000000000, max_content_length=5500000000"),
                           "processing/file_too_large"),
            ClassifierCase(200, failedJobBody("File too large (over 5.5 GB)"), "processing/file_too_large"),
            ClassifierCase(200, failedJobBody("no content was found at the URL; make sure the file is not empty"), "processing/empty_file"),
            ClassifierCase(200, failedJobBody("FILE NOT FOUND at upload URL. Re-upload and transcribe from the same region!"),
                           "processing/upload_region_mismatch"),
            ClassifierCase(200, failedJobBody("Download error: unable to download https://s3.example.com/x.mp3?X-Amz-Expires=60 (403)"),
                           "processing/download_failed"),
            ClassifierCase(200, failedJobBody("audio duration too short (minimum is 160ms)"), "processing/audio_too_short"),
            ClassifierCase(200, failedJobBody("Language detection cannot be performed: no spoken audio in file"), "processing/no_speech"),
            ClassifierCase(200, failedJobBody("Detected language 'fr' with confidence 0.3, below the confidence threshold 0.5"),
                           "processing/low_language_confidence"),
            ClassifierCase(200, failedJobBody("Something unexpected happened on our side"), "processing/other"),
            // "status" in any case, and a job with no message at all.
            ClassifierCase(200, .json("{\"status\": \"ERROR\", \"error\": \"Audio duration is too short.\"}"), "processing/audio_too_short"),
            ClassifierCase(200, .json("{\"status\": \"error\"}"), "processing/other"),
            ClassifierCase(200, .json("{\"status\": \"error\", \"error\": null}"), "processing/other"),
        ], api: .assemblyAISpeech)
    }

    func testOpenAICompatibleRewordings() {
        assertClassifications([
            ClassifierCase(401, openAIBody(message: "Incorrect API key provided: sk-...abcd.", type: "invalid_request_error",
                                           code: "invalid_api_key"), "auth/invalid_key"),
            ClassifierCase(402, .json("{\"error\": \"Insufficient balance. Please top up at console.llmai.dev/billing\"}"),
                           "billing/insufficient_funds"),
            ClassifierCase(429, openAIBody(message: "You exceeded your current quota, please check your plan and billing details.",
                                           type: "insufficient_quota", code: "insufficient_quota"),
                           "billing/insufficient_funds"),
            ClassifierCase(404, .json("{\"error\": \"model 'GPT-5.4' not found\"}"), "bad_request/model_not_supported"),
            ClassifierCase(404, .json("{\"detail\": \"Unknown model slug: gpt-5.4x\"}"), "bad_request/model_not_supported"),
            ClassifierCase(400, openAIBody(message: "This model's maximum context length is 128000 tokens.",
                                           code: "context_length_exceeded"), "bad_request/context_limit_exceeded"),
            ClassifierCase(400, openAIBody(message: "'messages' must contain at least one message"), "bad_request/missing_messages"),
            ClassifierCase(400, openAIBody(message: "Invalid value for 'temperature': must be between 0 and 2."),
                           "bad_request/invalid_parameter"),
            ClassifierCase(400, openAIBody(message: "Unrecognized request argument supplied: foo"), "bad_request/invalid_parameter"),
            ClassifierCase(400, .json("{\"error\": \"Extra fields not permitted: top_k\"}"), "bad_request/invalid_parameter"),
            ClassifierCase(400, openAIBody(message: "Invalid 'response_format': json_schema is required"),
                           "bad_request/invalid_response_format"),
            ClassifierCase(422, .json("{\"detail\": [{\"msg\": \"field required\", \"loc\": [\"body\", \"model\"]}]}"),
                           "bad_request/other"),
            ClassifierCase(429, openAIBody(message: "Rate limit reached for requests", type: "requests",
                                           code: "rate_limit_exceeded"), "rate_limited/model_rate_limit"),
        ], api: .openAICompatible)
    }

    func testLogLineErrorStringsAsText() {
        // A log line's `error` may be the message string alone (ErrorBody.text).
        assertClassifications([
            ClassifierCase(400, .text("Transcript creation error, audio_url not found"), "bad_request/missing_audio_url"),
            ClassifierCase(400, .text("Your current account balance is negative. Please top up to continue using the API."),
                           "billing/insufficient_funds"),
            ClassifierCase(400, .text("{\"error\": \"`punctuate` must be a Boolean\"}"), "bad_request/wrong_type"),
            ClassifierCase(403, .text("Authentication error, API token missing/invalid"), "auth/forbidden"),
        ], api: .assemblyAISpeech)
    }
}
