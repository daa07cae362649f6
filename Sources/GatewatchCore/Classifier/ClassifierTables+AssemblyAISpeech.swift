extension ClassifierTables {
    /// AssemblyAI speech-to-text (`/v2/transcript`, `/v2/upload`): seed 002 "Common errors when
    /// making a request", "Errors on export, sub-resource, and upload endpoints", and seed 003's
    /// status table (403 is "Too many requests" on this API).
    static let speech = ClassifierTable(billing + [
        // 403: rate limiting ("Too many requests", seed 003), unless the body is an auth message.
        // A rate-limit message wins even when it names the key ("too many requests for this API key").
        ClassifierRule(403, pattern: "too many requests | too many + requests | rate limit | ratelimit | throttl",
                       .rateLimited, "too_many_requests"),
        ClassifierRule(403, pattern: authMessage, .auth, "forbidden"),
        ClassifierRule(403, pattern: "", .rateLimited, "too_many_requests"),

        // Export and sub-resource endpoints.
        ClassifierRule(400, 404, pattern: "redacted audio + exist | redacted audio + available | redacted audio + unavailable"
                           + " | redacted audio + not found",
                       .notFound, "redacted_audio_unavailable"),
        // Before the transcript look-up: "Transcript creation error, audio_url not found".
        ClassifierRule(400, pattern: "audio url + not found | audio url + required | audio url + missing | missing + audio url"
                           + " | audio url + must be provided",
                       .badRequest, "missing_audio_url"),
    ] + transcriptLookup + [
        // The HTML/plain-text 404 of an unknown subtitle format (a JSON 404 is a handled one).
        ClassifierRule(404, pattern: "not found", .notFound, "unsupported_subtitle_format", plainTextOnly: true),
        ClassifierRule(400, 422, pattern: "upload failed | upload + empty | empty + upload",
                       .badRequest, "empty_upload"),

        // POST /v2/transcript validation.
        ClassifierRule(400, pattern: "status of | not ready | not yet complete | still processing | before requesting",
                       .badRequest, "transcript_not_ready"),
        ClassifierRule(400, pattern: "speech model + deprecat | speech model + no longer | speech models + instead",
                       .badRequest, "deprecated_speech_model"),
        ClassifierRule(400, pattern: "speech models", .badRequest, "invalid_speech_models"),
        ClassifierRule(400, pattern: "language detection + language code", .badRequest, "conflicting_language_options"),
        ClassifierRule(400, pattern: "not available in + language | not available for + language | not supported in + language"
                           + " | not supported for + language | following models + not available"
                           + " | following features + not available",
                       .badRequest, "feature_unsupported_for_language"),
        ClassifierRule(400, pattern: "language + not supported | language + unsupported | unsupported language"
                           + " | invalid language | language + invalid",
                       .badRequest, "unsupported_language"),
        ClassifierRule(400, pattern: "webhook url", .badRequest, "invalid_webhook_url"),
        ClassifierRule(400, pattern: "pii", .badRequest, "invalid_pii_options"),
    ] + genericBadRequest + statusDefaults)

    /// Phrases of an authentication or authorisation message (the 403 that is not rate limiting).
    static let authMessage = "authenticat | unauthori | not authori | authoriz | authoris | api key | api token"
        + " | access token | invalid key | invalid token | permission | credential | access denied | forbidden"
}
