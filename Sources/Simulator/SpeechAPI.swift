import Foundation
import HTTPServer

/// The speech API's transcript endpoints (seeds 002, 003): submit with the seed's validation
/// errors, the queued -> processing -> completed | error lifecycle, the list, captions, upload.
extension SimulatorCore {
    static let uploadPrefix = "https://cdn.assemblyai.com/upload/"
    static let speechModels: Set<String> = ["universal-3-pro", "universal-2"]
    /// Model names the singular `speech_model` rejects as deprecated; legacy ones are ignored (seed 002).
    static let deprecatedSingularModels: Set<String> = ["universal-2", "universal-3-pro", "slam-1", "conformer-2"]
    static let languages: Set<String> = ["en", "en_us", "en_uk", "en_au", "es", "fr", "de", "it", "pt", "nl",
                                         "ja", "zh", "ko", "hi", "ru", "tr", "uk", "vi", "pl", "fi"]
    /// Languages where these features are unavailable (the simulator's own table).
    static let featuresUnavailable: [String: Set<String>] = ["vi": ["speaker_labels"], "fi": ["speaker_labels"],
                                                             "uk": ["speaker_labels", "auto_highlights"]]
    static let booleanFields = ["punctuate", "format_text", "speaker_labels", "language_detection", "redact_pii",
                                "redact_pii_audio", "auto_highlights", "disfluencies", "filter_profanity",
                                "sentiment_analysis", "entity_detection", "auto_chapters", "summarization"]
    static let piiPolicies = ["person_name", "phone_number", "email_address", "credit_card_number",
                              "date_of_birth", "location", "medical_condition", "banking_information"]

    private func speechError(_ status: Int, _ message: String, _ requestID: String) -> HTTPResponse {
        .json(status, SeedBodies.speechError(message, requestID: requestID))
    }

    /// Faults, then auth: a response to send, or nil to go on.
    private func speechPreamble(_ request: HTTPRequest, region: SimRegion, requestID: String,
                                plan: FaultPlan, budget: HoldBudget) -> HTTPResponse? {
        if let faulted = applyFaults(plan, budget: budget, endpoint: .transcript, requestID: requestID) { return faulted }
        if rawKey(request) == nil { return speechError(401, SeedBodies.speechAuth, requestID) }
        return nil
    }

    func submitTranscript(_ request: HTTPRequest, region: SimRegion, budget: HoldBudget) -> HTTPResponse {
        let requestID = newRequestID()
        let parsed = JSONText.parse(request.body)
        let json = parsed as? [String: Any]
        let models = (json?["speech_models"] as? [Any])?.compactMap { $0 as? String } ?? []
        let plan = plan(region: region, endpoint: .transcript, model: models.first ?? "")
        if let early = speechPreamble(request, region: region, requestID: requestID, plan: plan, budget: budget) { return early }
        if let key = rawKey(request), depletedKeys.contains(key) {
            return speechError(400, SeedBodies.negativeBalance, requestID)
        }
        guard let json else { return speechError(400, SeedBodies.malformedJSON, requestID) }
        if let message = Self.validateSubmit(json) { return speechError(400, message, requestID) }
        let audioURL = json["audio_url"] as? String ?? ""
        var failure = plan.processingError ?? Self.failureHint(audioURL)
        if failure == nil, audioURL.hasPrefix(Self.uploadPrefix),
           transcripts[region]?.hasUpload(String(audioURL.dropFirst(Self.uploadPrefix.count))) != true {
            failure = .uploadRegionMismatch
        }
        let now = time.now
        let transcript = SimTranscript(
            id: newRequestID(), audioURL: audioURL, created: now,
            processingAt: now + options.transcriptQueuedSeconds,
            doneAt: now + options.transcriptQueuedSeconds + options.transcriptProcessingSeconds,
            failure: failure, languageCode: json["language_code"] as? String,
            speechModel: models.first ?? "universal-2")
        transcripts[region]?.add(transcript)
        return .json(200, transcriptBody(transcript, requestID: requestID, now: now))
    }

    /// The first request-time error of a submit body, in the seed's order, or nil.
    static func validateSubmit(_ json: [String: Any]) -> String? {
        guard let audioURL = json["audio_url"] as? String, !audioURL.isEmpty else { return SeedBodies.missingAudioURL }
        for field in booleanFields where json[field] != nil && !(json[field] is NSNull) {
            if JSONText.bool(json[field]) == nil { return SeedBodies.notBoolean(field) }
        }
        if let singular = json["speech_model"] as? String, deprecatedSingularModels.contains(singular) {
            return SeedBodies.deprecatedSpeechModel
        }
        if let models = json["speech_models"], !(models is NSNull) {
            guard let list = models as? [Any], !list.isEmpty,
                  list.allSatisfy({ ($0 as? String).map(speechModels.contains) ?? false }) else {
                return SeedBodies.invalidSpeechModels
            }
        }
        let code = json["language_code"] as? String
        if let code, !languages.contains(code) { return SeedBodies.unsupportedLanguage(code) }
        if code != nil, JSONText.bool(json["language_detection"]) == true { return SeedBodies.languageDetectionConflict }
        if let code, let unavailable = featuresUnavailable[code] {
            let asked = unavailable.filter { JSONText.bool(json[$0]) == true }.sorted()
            if !asked.isEmpty { return SeedBodies.featureUnsupportedForLanguage(asked) }
        }
        if let hook = json["webhook_url"], !(hook is NSNull) {
            guard let s = hook as? String, s.hasPrefix("http") else { return SeedBodies.invalidWebhookURL }
        }
        if JSONText.bool(json["redact_pii"]) == true {
            guard let policies = json["redact_pii_policies"] as? [Any] else { return SeedBodies.missingPIIPolicies }
            if !policies.allSatisfy({ ($0 as? String).map(piiPolicies.contains) ?? false }) {
                return SeedBodies.unsupportedPIIPolicy(supported: piiPolicies)
            }
            if let quality = json["redact_pii_audio_quality"], !(quality is NSNull),
               (quality as? String) != "mp3" && (quality as? String) != "wav" {
                return SeedBodies.invalidPIIAudioQuality
            }
        }
        return nil
    }

    /// `sim_error=<processing failure>` anywhere in the audio URL picks how the job ends.
    static func failureHint(_ audioURL: String) -> ProcessingFailure? {
        guard let range = audioURL.range(of: "sim_error=") else { return nil }
        let name = audioURL[range.upperBound...].prefix { $0.isLetter || $0 == "_" }
        return ProcessingFailure(rawValue: String(name))
    }

    func transcriptBody(_ t: SimTranscript, requestID: String, now: Double) -> String {
        let status = t.status(at: now)
        var pairs: [(String, String)] = [
            ("id", JSONText.quote(t.id)), ("status", JSONText.quote(status)),
            ("audio_url", JSONText.quote(t.audioURL)),
            ("language_code", JSONText.quoteOrNull(t.languageCode)),
            ("speech_model_used", JSONText.quote(t.speechModel)),
        ]
        switch status {
        case "completed":
            pairs += [("text", JSONText.quote("This is a simulated transcript.")), ("confidence", "0.93"),
                      ("audio_duration", "12"), ("error", "null")]
        case "error":
            pairs += [("text", "null"), ("error", JSONText.quote(t.failure?.message(audioURL: t.audioURL) ?? ""))]
        default:
            pairs += [("text", "null"), ("error", "null")]
        }
        pairs.append(("request_id", JSONText.quote(requestID)))
        return JSONText.object(pairs)
    }

    func getTranscript(_ request: HTTPRequest, path: String, region: SimRegion, budget: HoldBudget) -> HTTPResponse {
        let requestID = newRequestID()
        let plan = plan(region: region, endpoint: .transcript, model: "")
        if let early = speechPreamble(request, region: region, requestID: requestID, plan: plan, budget: budget) { return early }
        let parts = path.dropFirst("/v2/transcript/".count).split(separator: "/", omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, parts.count <= 2,
              let transcript = transcripts[region]?.find(String(first)) else {
            return speechError(400, SeedBodies.transcriptNotFound, requestID)
        }
        let now = time.now
        guard parts.count == 2 else { return .json(200, transcriptBody(transcript, requestID: requestID, now: now)) }
        let status = transcript.status(at: now)
        let sub = String(parts[1])
        switch sub {
        case "srt", "vtt", "sentences", "paragraphs":
            guard status == "completed" else {
                let noun = sub == "srt" || sub == "vtt" ? "captions" : sub
                return speechError(400, SeedBodies.transcriptNotReady(status: status, noun: noun), requestID)
            }
            switch sub {
            case "srt": return .text(200, "1\n00:00:00,000 --> 00:00:02,500\nThis is a simulated transcript.\n\n")
            case "vtt": return .text(200, "WEBVTT\n\n00:00.000 --> 00:02.500\nThis is a simulated transcript.\n\n")
            default:
                let item = JSONText.object([("text", JSONText.quote("This is a simulated transcript.")),
                                            ("start", "0"), ("end", "2500"), ("confidence", "0.93")])
                return .json(200, JSONText.object([("id", JSONText.quote(transcript.id)), (sub, "[\(item)]"),
                                                   ("request_id", JSONText.quote(requestID))]))
            }
        case "word-search":
            guard let words = request.query["words"], !words.isEmpty else {
                return speechError(400, SeedBodies.wordsRequired, requestID)
            }
            return .json(200, JSONText.object([("id", JSONText.quote(transcript.id)), ("total_count", "0"),
                                               ("matches", "[]"), ("request_id", JSONText.quote(requestID))]))
        case "redacted-audio":
            return speechError(400, SeedBodies.redactedAudioUnavailable, requestID)
        default:
            // The one HTML 404 of the API (seed 002).
            return HTTPResponse(status: 404, contentType: "text/html; charset=utf-8", body: SeedBodies.htmlNotFound)
        }
    }

    func listTranscripts(_ request: HTTPRequest, region: SimRegion, budget: HoldBudget) -> HTTPResponse {
        let requestID = newRequestID()
        let plan = plan(region: region, endpoint: .transcript, model: "")
        if let early = speechPreamble(request, region: region, requestID: requestID, plan: plan, budget: budget) { return early }
        var limit = 10
        if let text = request.query["limit"] {
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 else {
                return speechError(400, SeedBodies.limitTooLow, requestID)
            }
            limit = min(n, 200)
        }
        let now = time.now
        let base = region == .eu ? "https://api.eu.assemblyai.com" : "https://api.assemblyai.com"
        let items = (transcripts[region]?.newest(limit) ?? []).map { t -> String in
            let status = t.status(at: now)
            let completed = status == "completed" || status == "error"
            return JSONText.object([
                ("id", JSONText.quote(t.id)), ("resource_url", JSONText.quote("\(base)/v2/transcript/\(t.id)")),
                ("status", JSONText.quote(status)),
                ("created", JSONText.quote(Self.rfc3339(t.created))),
                ("completed", completed ? JSONText.quote(Self.rfc3339(t.doneAt)) : "null"),
                ("audio_url", JSONText.quote(t.audioURL)),
                ("error", status == "error" ? JSONText.quote(t.failure?.message(audioURL: t.audioURL) ?? "") : "null"),
            ])
        }
        let page = JSONText.object([
            ("limit", String(limit)), ("result_count", String(items.count)),
            ("current_url", JSONText.quote("\(base)/v2/transcript?limit=\(limit)")),
            ("prev_url", "null"), ("next_url", "null"),
        ])
        return .json(200, JSONText.object([("page_details", page), ("transcripts", "[\(items.joined(separator: ", "))]"),
                                           ("request_id", JSONText.quote(requestID))]))
    }

    func upload(_ request: HTTPRequest, region: SimRegion, budget: HoldBudget) -> HTTPResponse {
        let requestID = newRequestID()
        let plan = plan(region: region, endpoint: .transcript, model: "")
        if let early = speechPreamble(request, region: region, requestID: requestID, plan: plan, budget: budget) { return early }
        guard !request.body.isEmpty else { return .text(422, SeedBodies.emptyUpload) }
        let id = newRequestID()
        transcripts[region]?.addUpload(id)
        return .json(200, JSONText.object([("upload_url", JSONText.quote(Self.uploadPrefix + id)),
                                           ("request_id", JSONText.quote(requestID))]))
    }

    static func rfc3339(_ t: Double) -> String {
        Date(timeIntervalSince1970: t).formatted(.iso8601)
    }
}
