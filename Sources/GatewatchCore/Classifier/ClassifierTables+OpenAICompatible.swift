extension ClassifierTables {
    /// OpenAI-compatible providers (seed 004, "LLMAI"): 401 authentication, 402 balance
    /// depleted, 404 unknown model slug, 400 invalid request, 429 rate limit. Bodies are
    /// OpenAI-shaped (`{"error": {"message", "type", "code"}}`); `error.code` is read as a
    /// message too (`model_not_found`, `insufficient_quota`, `context_length_exceeded`).
    static let openAICompatible = ClassifierTable(billing + [
        ClassifierRule(400, 422, pattern: "role + required | content + required | missing + role | missing + content",
                       .badRequest, "missing_parameter"),
        ClassifierRule(400, 422, pattern: "messages + empty | messages + missing | missing + messages | messages + required"
                           + " | messages + absent | at least one message | messages + too short | no messages"
                           + " | messages or prompt",
                       .badRequest, "missing_messages"),
    ] + chatCompletionRequest + [
        // A 404 naming a model is the unknown model slug; another 404 (a wrong path) is not_found.
        ClassifierRule(404, pattern: "model", .badRequest, "model_not_supported"),
    ] + genericBadRequest + statusDefaults)
}
