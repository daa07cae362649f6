/// The error bodies of the upstream APIs, laid out exactly as the seeds print them
/// (/work/shared/seeds: 000 for the LLM Gateway, 002 for the speech API, 004 for LLMAI).
/// Messages are byte-exact; `<placeholders>` of the seeds are filled with concrete values.
/// Speech-API bodies get a trailing `request_id` line (CONTRACT section 7 asks for one in
/// every JSON body; the seed's own lines are unchanged).
public enum SeedBodies {
    // MARK: LLM Gateway (seed 000)

    public static let llmAuthMessage = "Authentication error, API token missing/invalid"

    /// 401/403 of the LLM Gateway.
    public static func llmAuth(requestID: String) -> String {
        """
        {
          "error": "\(llmAuthMessage)",
          "status": "error",
          "request_id": "\(requestID)"
        }
        """
    }

    /// 400 with the `metadata.errors` list.
    public static func llmBadRequest(errors: [String], requestID: String) -> String {
        let list = errors.map { "      " + JSONText.quote($0) }.joined(separator: ",\n")
        return """
        {
          "code": 400,
          "message": "invalid request body",
          "request_id": "\(requestID)",
          "metadata": {
            "errors": [
        \(list)
            ]
          }
        }
        """
    }

    /// 404 when a `transcript_id` is unknown in this region (or "transcript deleted").
    public static func llmTranscriptNotFound(requestID: String, deleted: Bool = false) -> String {
        """
        {
          "code": 404,
          "message": "\(deleted ? "transcript deleted" : "transcript not found")",
          "request_id": "\(requestID)"
        }
        """
    }

    /// Status codes the seed names without printing a body (429, 5xx): the 404's shape.
    public static func llmStatus(_ code: Int, message: String, requestID: String) -> String {
        """
        {
          "code": \(code),
          "message": \(JSONText.quote(message)),
          "request_id": "\(requestID)"
        }
        """
    }

    // MARK: validation strings (seed 000, metadata.errors)

    public static let missingMessages = "one of messages or prompt required"
    public static func modelNotSupported(_ model: String) -> String { "model \(model) is not supported" }
    public static let contextLimitExceeded = "model context limit exceeded"
    public static let modelRegionGlobalOnly = "model_region can only be set to global"
    public static let fallbackDepth = "fallback_config depth cannot be greater than 2"
    public static func responseFormatInvalid(_ detail: String) -> String { "response_format is invalid: \(detail)" }

    // MARK: speech API (seed 002)

    /// `{"error": ...}` in the seed's layout, plus `request_id`.
    public static func speechError(_ message: String, requestID: String) -> String {
        "{\n\"error\": \(JSONText.quote(message)),\n\"request_id\": \"\(requestID)\"\n}"
    }

    public static let speechAuth = "Authentication error, API token missing/invalid."
    public static let missingAudioURL = "Transcript creation error, audio_url not found"
    public static func unsupportedLanguage(_ code: String) -> String {
        "Language code \(code) is not supported. See https://www.assemblyai.com/docs/concepts/supported-languages."
    }
    public static let invalidSpeechModels =
        "\"speech_models\" must be a non-empty list containing one or more of: \"universal-3-pro\", \"universal-2\""
    public static let deprecatedSpeechModel =
        "speech_model is deprecated. Use \"speech_models\" instead. See documentation: https://www.assemblyai.com/docs/pre-recorded-audio/select-the-speech-model"
    public static let languageDetectionConflict =
        "`language_detection` is not available when `language_code` is specified."
    public static func notBoolean(_ field: String) -> String { "`\(field)` must be a Boolean" }
    public static let invalidWebhookURL = "Invalid `webhook_url`, `webhook_url` should start with http."
    public static let missingPIIPolicies = "You must explicitly define 'redact_pii_policies'"
    public static func unsupportedPIIPolicy(supported: [String]) -> String {
        "Unsupported policy name in 'redact_pii_policies', supported policy names are [\(supported.joined(separator: ", "))]"
    }
    public static let invalidPIIAudioQuality = "Invalid `redact_pii_audio_quality` value, choose 'mp3' or 'wav'"
    public static let malformedJSON = "Error processing request, json data invalid"
    public static func featureUnsupportedForLanguage(_ features: [String]) -> String {
        "The following models are not available in this language: \(features.joined(separator: ", "))"
    }
    public static let negativeBalance =
        "Your current account balance is negative. Please top up to continue using the API."
    public static let transcriptNotFound = "Transcript lookup error, transcript id not found"
    public static let internalServerError =
        "Internal server error. Please retry your request. If the error persists, please contact support@assemblyai.com for more information."
    public static func transcriptNotReady(status: String, noun: String) -> String {
        "This transcript has a status of '\(status)'. Transcripts must have a status of 'completed' before requesting \(noun)."
    }
    public static let limitTooLow = "'limit' must be greater than or equal to 1"
    public static let wordsRequired = "`words` is a required query parameter"
    public static let redactedAudioUnavailable =
        "A redacted audio file for this transcript ID doesn't exist. Try submitting the transcript again with`redact_pii_audio`set to`true`."
    /// The speech API's 403 (seed 003's status table).
    public static let tooManyRequests = "Too many requests"
    /// The only non-JSON 404 (unsupported subtitle format), sent as text/html.
    public static let htmlNotFound = "404: Not Found"
    /// 422 from `POST /v2/upload` with an empty body, plain text.
    public static let emptyUpload =
        "Upload failed, please try again. If you continue to have issues please reach out to support@assemblyai.com"

    // MARK: LLMAI, OpenAI-compatible (seed 004; the seed names statuses, not bodies)

    /// An OpenAI-style error body with the seed's headings as messages, plus `request_id`.
    public static func openAIError(status: Int, message: String, type: String, requestID: String) -> String {
        """
        {
          "error": {
            "message": \(JSONText.quote(message)),
            "type": "\(type)",
            "code": \(status)
          },
          "request_id": "\(requestID)"
        }
        """
    }

    public static let llmaiAuth = "Authentication Failed: the API key is missing, malformed, or has been deleted"
    public static let llmaiBalance = "Account Balance Depleted: add credit to continue"
    public static func llmaiModel(_ model: String) -> String {
        "Model Not Recognized: \(model) does not match any model slug (slugs are case-sensitive)"
    }
    public static let llmaiRateLimit = "Rate Limit Hit: you are sending requests faster than the server allows"
}

/// Processing failures of a transcript (seed 002, "Common transcription processing errors"):
/// the job was accepted with 200 and later reads `status: error`.
public enum ProcessingFailure: String, Sendable, CaseIterable {
    case unsupportedMedia = "unsupported_media"
    case noAudioStream = "no_audio_stream"
    case fileTooLarge = "file_too_large"
    case emptyFile = "empty_file"
    case uploadRegionMismatch = "upload_region_mismatch"
    case downloadFailed = "download_failed"
    case audioTooShort = "audio_too_short"
    case noSpeech = "no_speech"
    case lowLanguageConfidence = "low_language_confidence"

    /// The seed's message with its placeholders filled for `audioURL`.
    public func message(audioURL: String) -> String {
        switch self {
        case .unsupportedMedia:
            return "Transcoding failed. File type text/html (HTML document, ASCII text) may be unsupported or an unexpected error occurred. See supported formats at https://www.assemblyai.com/docs/faq/what-audio-and-video-file-types-are-supported-by-your-api. If your file format is supported and you're still encountering this error, contact us at support@assemblyai.com."
        case .noAudioStream:
            return "No audio stream found in the file. File type is image/png (PNG image data)."
        case .fileTooLarge:
            return "\(audioURL) length=6000000000 exceeds max_content_length=5500000000"
        case .emptyFile:
            return "No content found at \(audioURL). Please make sure the file exists and is not empty."
        case .uploadRegionMismatch:
            return "File not found at \(audioURL). Make sure the file was uploaded recently and that you're transcribing from the same region."
        case .downloadFailed:
            return "Download error, unable to download \(audioURL). Please make sure the file exists and is accessible from the internet."
        case .audioTooShort:
            return "Audio duration is too short."
        case .noSpeech:
            return "language_detection cannot be performed on files with no spoken audio."
        case .lowLanguageConfidence:
            return "detected language 'en', confidence 0.3412, is below the requested confidence threshold value of '0.8'"
        }
    }
}
