import Foundation
import HTTPServer

/// The LLM Gateway's `POST /v1/chat/completions` (seeds 000, 001).
extension SimulatorCore {
    static let gatewayService = "llm-gateway"

    func gatewayChat(_ request: HTTPRequest, region: SimRegion, budget: HoldBudget) -> HTTPResponse {
        let requestID = newRequestID()
        let json = JSONText.parse(request.body) as? [String: Any]
        let modelName = json?["model"] as? String ?? ""
        let model = ModelCatalogue.gatewayModel(modelName, in: region)
        let plan = plan(region: region, endpoint: .chat, model: modelName)
        let limit = min(options.limit(for: modelName), plan.rateLimit ?? Int.max)
        // Headers of the model's window, without spending from it.
        func peek() -> [(name: String, value: String)] {
            guard model != nil else { return [] }
            return limiter.check(service: Self.gatewayService, region: region, model: modelName,
                                 limit: limit, consume: false).headers
        }
        if let faulted = applyFaults(plan, budget: budget, endpoint: .chat, requestID: requestID, extraHeaders: peek()) {
            return faulted
        }
        guard rawKey(request) != nil else {
            return .json(401, SeedBodies.llmAuth(requestID: requestID), headers: peek())
        }
        guard let json else {
            return .json(400, SeedBodies.llmBadRequest(errors: ["request body is not a JSON object"], requestID: requestID))
        }
        var headers: [(name: String, value: String)] = []
        if model != nil {
            let decision = limiter.check(service: Self.gatewayService, region: region, model: modelName, limit: limit)
            headers = decision.headers
            if !decision.allowed {
                return .json(429, SeedBodies.llmStatus(429, message: "rate limit exceeded", requestID: requestID),
                             headers: headers)
            }
        }
        let errors = Self.validateGatewayChat(json, model: model, modelName: modelName)
        if !errors.isEmpty {
            return .json(400, SeedBodies.llmBadRequest(errors: errors, requestID: requestID), headers: headers)
        }
        guard let model else { return .json(400, SeedBodies.llmBadRequest(errors: [SeedBodies.modelNotSupported(modelName)], requestID: requestID)) }
        if let transcriptID = json["transcript_id"] as? String,
           transcripts[region]?.find(transcriptID) == nil {
            return .json(404, SeedBodies.llmTranscriptNotFound(requestID: requestID), headers: headers)
        }
        let completion = ChatCompletion(requestID: requestID, model: model.id, created: time.now,
                                        promptTokens: ChatCompletion.promptTokens(json),
                                        maxTokens: JSONText.int(json["max_tokens"]))
        // Streaming is for OpenAI models only; others ignore the flag (seed 000).
        let stream = (JSONText.bool(json["stream"]) ?? false) && model.streams
        return completion.response(stream: stream, headers: headers)
    }

    /// Every `metadata.errors` string that applies, in the seed's order.
    static func validateGatewayChat(_ json: [String: Any], model: SimModel?, modelName: String) -> [String] {
        var errors: [String] = []
        let messages = json["messages"] as? [Any]
        let prompt = json["prompt"] as? String
        if (messages?.isEmpty ?? true) && (prompt?.isEmpty ?? true) {
            errors.append(SeedBodies.missingMessages)
        }
        if model == nil { errors.append(SeedBodies.modelNotSupported(modelName)) }
        if let model {
            let maxTokens = JSONText.int(json["max_tokens"]) ?? 0
            if ChatCompletion.promptTokens(json) + max(0, maxTokens) > model.contextTokens {
                errors.append(SeedBodies.contextLimitExceeded)
            }
        }
        if let region = json["model_region"], !(region is NSNull), (region as? String) != "global" {
            errors.append(SeedBodies.modelRegionGlobalOnly)
        }
        if let fallback = json["fallback_config"] as? [String: Any], let depth = JSONText.int(fallback["depth"]), depth > 2 {
            errors.append(SeedBodies.fallbackDepth)
        }
        if let format = json["response_format"], !(format is NSNull), let detail = responseFormatProblem(format) {
            errors.append(SeedBodies.responseFormatInvalid(detail))
        }
        return errors
    }

    /// What is wrong with a `response_format`, or nil.
    static func responseFormatProblem(_ value: Any) -> String? {
        guard let format = value as? [String: Any] else { return "must be an object" }
        guard let type = format["type"] as? String else { return "type is required" }
        switch type {
        case "text", "json_object": return nil
        case "json_schema":
            guard let schema = format["json_schema"] as? [String: Any] else { return "json_schema is required when type is json_schema" }
            guard let name = schema["name"] as? String, !name.isEmpty else { return "json_schema.name is required" }
            guard schema["schema"] is [String: Any] else { return "json_schema.schema must be an object" }
            return nil
        default:
            return "type must be one of text, json_object, json_schema"
        }
    }
}
