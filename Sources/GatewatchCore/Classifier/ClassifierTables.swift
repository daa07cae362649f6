/// The error taxonomy of CONTRACT section 4 as data: one table per provider family, built
/// from shared groups of rows. Patterns are key phrases of the seeds' messages (`"a + b | c"`,
/// matched case-insensitively at word starts, punctuation ignored), never whole sentences,
/// so reworded messages still match. Each table's rows are tried in order; the seeds' exact
/// bodies sit beside the rows in `ClassifierSeedTests`.
enum ClassifierTables {
    /// The table for a provider family's 4xx answers.
    static func table(for api: ProviderAPI) -> ClassifierTable {
        switch api {
        case .assemblyAILLMGateway: return llmGateway
        case .assemblyAISpeech: return speech
        case .openAICompatible: return openAICompatible
        }
    }

    static let clientErrors = Array(400...499)

    /// Billing, whatever the 4xx: AssemblyAI's 400 "account balance is negative", LLMAI's 402
    /// "balance depleted", OpenAI's 429 "insufficient_quota".
    static let billing: [ClassifierRule] = [
        ClassifierRule(statuses: clientErrors,
                       pattern: "balance + negative | balance + depleted | balance + insufficient | insufficient balance"
                           + " | insufficient funds | insufficient credit | credit + run out | out of credit"
                           + " | top up | topup | insufficient quota | current quota | payment required",
                       .billing, "insufficient_funds"),
    ]

    /// Transcript look-ups (seed 000's 404 and seed 002's 400 "Transcript lookup error").
    static let transcriptLookup: [ClassifierRule] = [
        ClassifierRule(400, 404, pattern: "transcript + deleted", .notFound, "transcript_deleted"),
        ClassifierRule(400, 404, pattern: "transcript + not found | transcript + does not exist | transcript + doesn t exist"
                           + " | transcript + lookup error",
                       .notFound, "transcript_not_found"),
    ]

    /// The unspecific 400/422 messages any API may send, after every API-specific row.
    static let genericBadRequest: [ClassifierRule] = [
        ClassifierRule(400, 422, pattern: "json + invalid | invalid json | malformed + json | json + malformed | json + parse"
                           + " | json + decode | json + syntax | unexpected end of json | could not parse + body"
                           + " | parse error",
                       .badRequest, "malformed_json"),
        ClassifierRule(400, 422, pattern: "boolean | be an integer | be a string | be a number | be an array | be an object"
                           + " | be a list | be of type | wrong type | invalid type | type mismatch | is not of type"
                           + " | not a valid integer | not a valid number | not a valid string",
                       .badRequest, "wrong_type"),
        ClassifierRule(400, 422, pattern: "required | is missing | missing required | missing parameter | missing field"
                           + " | must be provided | must be specified | must be set",
                       .badRequest, "missing_parameter"),
        ClassifierRule(400, 422, pattern: "greater than | less than | must be between | out of range | outside + range"
                           + " | invalid value | invalid + value | not a valid | is invalid | invalid parameter"
                           + " | unknown parameter | unsupported parameter | unrecognized | unrecognised | unknown field"
                           + " | unknown argument | unexpected + argument | not allowed | not permitted",
                       .badRequest, "invalid_parameter"),
    ]

    /// The class a 4xx keeps when no message row matched (CONTRACT: "keeps its class from the
    /// status code with reason other"; auth, billing and rate_limited have no `other`).
    static let statusDefaults: [ClassifierRule] = [
        ClassifierRule(400, 422, pattern: "", .badRequest, "other"),
        ClassifierRule(401, pattern: "", .auth, "invalid_key"),
        ClassifierRule(402, pattern: "", .billing, "insufficient_funds"),
        ClassifierRule(403, pattern: "", .auth, "forbidden"),
        ClassifierRule(404, pattern: "", .notFound, "other"),
        ClassifierRule(429, pattern: "", .rateLimited, "model_rate_limit"),
    ]

    /// Failed jobs: a 2xx whose body has `"status": "error"` (seed 002 "Common transcription
    /// processing errors", seed 003 "Failed transcriptions"). No row matching: `processing/other`.
    static let processing = ClassifierMessageTable([
        ("max content length | exceeds + max | exceeds + limit | exceeds + size | too large | larger than"
            + " | file size + exceed",
         .processing, "file_too_large"),
        ("no audio stream | audio stream + not found | no audio track | audio track + not found | contains no audio"
            + " | does not contain + audio | without + audio stream",
         .processing, "no_audio_stream"),
        ("transcod | unsupported + file type | file type + unsupported | unsupported media | unsupported format"
            + " | unsupported file",
         .processing, "unsupported_media"),
        ("file not found | same region | different region | region mismatch | uploaded + region",
         .processing, "upload_region_mismatch"),
        ("no content | not empty | is empty | empty file | empty body | empty response | zero bytes",
         .processing, "empty_file"),
        ("download | not accessible | unable to access | could not fetch | failed to fetch",
         .processing, "download_failed"),
        ("too short | duration + short | minimum + duration | shorter than",
         .processing, "audio_too_short"),
        ("no spoken audio | spoken audio | no speech | without speech | speech + not detected | silent | silence",
         .processing, "no_speech"),
        ("confidence + threshold | confidence + below | low + confidence | confidence + too low",
         .processing, "low_language_confidence"),
    ])
}
