import Foundation
import HTTPServer

/// The OpenAI-compatible provider of seed 004 ("LLMAI"), under `/llmai` on every listener:
/// `Authorization: Bearer KEY`, 401, 402 balance depleted, 404 unknown (case-sensitive) model
/// slug, 400 invalid request, 429 rate limit, SSE streaming for every model.
extension SimulatorCore {
    static let llmaiService = "llmai"

    private func llmaiError(_ status: Int, _ message: String, _ type: String, _ requestID: String,
                            _ headers: [(name: String, value: String)] = []) -> HTTPResponse {
        .json(status, SeedBodies.openAIError(status: status, message: message, type: type, requestID: requestID),
              headers: headers)
    }

    func llmaiChat(_ request: HTTPRequest, region: SimRegion, budget: HoldBudget) -> HTTPResponse {
        let requestID = newRequestID()
        let json = JSONText.parse(request.body) as? [String: Any]
        let modelName = json?["model"] as? String ?? ""
        let model = ModelCatalogue.llmaiModel(modelName)
        let plan = plan(region: region, endpoint: .llmai, model: modelName)
        let limit = min(options.limit(for: modelName), plan.rateLimit ?? Int.max)
        func peek() -> [(name: String, value: String)] {
            guard model != nil else { return [] }
            return limiter.check(service: Self.llmaiService, region: region, model: modelName,
                                 limit: limit, consume: false).headers
        }
        if let faulted = applyFaults(plan, budget: budget, endpoint: .llmai, requestID: requestID, extraHeaders: peek()) {
            return faulted
        }
        guard let key = bearerKey(request) else {
            return llmaiError(401, SeedBodies.llmaiAuth, "authentication_error", requestID, peek())
        }
        if depletedKeys.contains(key) {
            return llmaiError(402, SeedBodies.llmaiBalance, "insufficient_quota", requestID, peek())
        }
        guard let json else {
            return llmaiError(400, "Invalid Request: the body is not valid JSON", "invalid_request_error", requestID)
        }
        if let problem = Self.llmaiProblem(json) {
            return llmaiError(400, "Invalid Request: " + problem, "invalid_request_error", requestID, peek())
        }
        guard let model else {
            return llmaiError(404, SeedBodies.llmaiModel(modelName), "invalid_request_error", requestID)
        }
        let decision = limiter.check(service: Self.llmaiService, region: region, model: modelName, limit: limit)
        guard decision.allowed else {
            return llmaiError(429, SeedBodies.llmaiRateLimit, "rate_limit_error", requestID, decision.headers)
        }
        let completion = ChatCompletion(requestID: requestID, model: model.id, created: time.now,
                                        promptTokens: ChatCompletion.promptTokens(json),
                                        maxTokens: JSONText.int(json["max_tokens"]))
        return completion.response(stream: JSONText.bool(json["stream"]) ?? false, headers: decision.headers)
    }

    /// The seed's 400 causes: messages absent or empty, a message without role or content,
    /// temperature outside 0–2, max_tokens not a positive integer.
    static func llmaiProblem(_ json: [String: Any]) -> String? {
        guard json["model"] is String else { return "model is required" }
        guard let messages = json["messages"] as? [Any], !messages.isEmpty else {
            return "messages must be a non-empty array"
        }
        for (i, m) in messages.enumerated() {
            guard let message = m as? [String: Any], message["role"] is String, message["content"] != nil,
                  !(message["content"] is NSNull) else {
                return "messages[\(i)] must have role and content"
            }
        }
        if let t = json["temperature"], !(t is NSNull) {
            guard let value = JSONText.double(t), (0...2).contains(value) else { return "temperature must be between 0 and 2" }
        }
        if let m = json["max_tokens"], !(m is NSNull) {
            guard let value = JSONText.int(m), value >= 1 else { return "max_tokens must be a positive integer" }
        }
        return nil
    }

    func llmaiModels(_ request: HTTPRequest, region: SimRegion, budget: HoldBudget) -> HTTPResponse {
        let requestID = newRequestID()
        let plan = plan(region: region, endpoint: .llmai, model: "")
        if let faulted = applyFaults(plan, budget: budget, endpoint: .llmai, requestID: requestID) { return faulted }
        guard bearerKey(request) != nil else {
            return llmaiError(401, SeedBodies.llmaiAuth, "authentication_error", requestID)
        }
        let data = ModelCatalogue.llmai.map {
            JSONText.object([("id", JSONText.quote($0.id)), ("object", "\"model\""), ("owned_by", JSONText.quote($0.vendor))])
        }
        return .json(200, JSONText.object([("object", "\"list\""), ("data", "[\(data.joined(separator: ", "))]"),
                                           ("request_id", JSONText.quote(requestID))]))
    }
}
