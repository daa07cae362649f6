extension ClassifierTables {
    /// AssemblyAI LLM Gateway (`/v1/chat/completions`): seed 000's 400 `metadata.errors`
    /// strings, 401/403, 404 transcript look-ups, 429 per-model rate limit.
    static let llmGateway = ClassifierTable(billing + [
        ClassifierRule(400, 422, pattern: "messages or prompt | messages + prompt + required | messages + empty"
                           + " | messages + missing | missing + messages | messages + is required | messages + are required"
                           + " | no messages",
                       .badRequest, "missing_messages"),
    ] + chatCompletionRequest + transcriptLookup + genericBadRequest + statusDefaults)

    /// The chat-completion request checks the LLM Gateway and OpenAI-compatible APIs share.
    static let chatCompletionRequest: [ClassifierRule] = [
        ClassifierRule(400, 413, 422, pattern: "context + limit | context + length | context window | context + exceed"
                           + " | maximum context | too many tokens | token limit | prompt is too long",
                       .badRequest, "context_limit_exceeded"),
        ClassifierRule(400, 422, pattern: "model region", .badRequest, "invalid_model_region"),
        ClassifierRule(400, 422, pattern: "fallback + depth | fallback + greater than | fallback + exceed | fallback + maximum",
                       .badRequest, "fallback_depth_exceeded"),
        ClassifierRule(400, 422, pattern: "response format", .badRequest, "invalid_response_format"),
        ClassifierRule(400, 404, 422, pattern: "model + not supported | model + unsupported | unsupported model | unknown model"
                           + " | invalid model | model + not found | model + does not exist | model + doesn t exist"
                           + " | model + not recognized | model + not recognised | model + not available"
                           + " | no such model | model + not exist",
                       .badRequest, "model_not_supported"),
    ]
}
