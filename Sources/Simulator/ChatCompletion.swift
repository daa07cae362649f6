import Foundation
import HTTPServer

/// A simulated completion: a canned answer cut at `max_tokens` (one word is one token), as an
/// OpenAI-shaped JSON body or an SSE stream. Pure values.
struct ChatCompletion {
    static let answerWords = ("This is a simulated answer from gatewatch simulate. The capital of France is Paris, "
        + "and this reply is long enough to be cut short when max_tokens is small.").split(separator: " ").map(String.init)

    let requestID: String
    let model: String
    let created: Int
    let promptTokens: Int
    let words: [String]
    let finishReason: String

    init(requestID: String, model: String, created: Double, promptTokens: Int, maxTokens: Int?) {
        self.requestID = requestID
        self.model = model
        self.created = Int(created)
        self.promptTokens = promptTokens
        if let maxTokens, maxTokens < Self.answerWords.count {
            words = Array(Self.answerWords.prefix(max(0, maxTokens)))
            finishReason = "length"
        } else {
            words = Self.answerWords
            finishReason = "stop"
        }
    }

    var id: String { "chatcmpl-" + requestID.replacingOccurrences(of: "-", with: "").prefix(24) }
    var content: String { words.joined(separator: " ") }

    private var usage: String {
        JSONText.object([("prompt_tokens", String(promptTokens)), ("completion_tokens", String(words.count)),
                         ("total_tokens", String(promptTokens + words.count))])
    }

    /// `{"request_id", "id", "object", "created", "model", "choices", "usage"}`.
    var jsonBody: String {
        let message = JSONText.object([("role", "\"assistant\""), ("content", JSONText.quote(content))])
        let choice = JSONText.object([("index", "0"), ("message", message),
                                      ("finish_reason", JSONText.quote(finishReason))])
        return JSONText.object([
            ("request_id", JSONText.quote(requestID)), ("id", JSONText.quote(id)),
            ("object", "\"chat.completion\""), ("created", String(created)), ("model", JSONText.quote(model)),
            ("choices", "[\(choice)]"), ("usage", usage),
        ])
    }

    /// Server-sent events: a role chunk, one chunk per word, a final chunk with `finish_reason` and
    /// `usage`, then `data: [DONE]`.
    var sseBody: String {
        func chunk(_ delta: String, finish: String?, usage: String? = nil) -> String {
            let choice = JSONText.object([("index", "0"), ("delta", delta), ("finish_reason", JSONText.quoteOrNull(finish))])
            var pairs = [("request_id", JSONText.quote(requestID)), ("id", JSONText.quote(id)),
                         ("object", "\"chat.completion.chunk\""), ("created", String(created)),
                         ("model", JSONText.quote(model)), ("choices", "[\(choice)]")]
            if let usage { pairs.append(("usage", usage)) }
            return "data: " + JSONText.object(pairs) + "\n\n"
        }
        var out = chunk(JSONText.object([("role", "\"assistant\""), ("content", "\"\"")]), finish: nil)
        for (i, word) in words.enumerated() {
            out += chunk(JSONText.object([("content", JSONText.quote(i == 0 ? word : " " + word))]), finish: nil)
        }
        out += chunk("{}", finish: finishReason, usage: usage)
        return out + "data: [DONE]\n\n"
    }

    func response(stream: Bool, headers: [(name: String, value: String)]) -> HTTPResponse {
        if stream {
            return HTTPResponse(status: 200, contentType: "text/event-stream", body: sseBody,
                                headers: [("Cache-Control", "no-cache")] + headers)
        }
        return .json(200, jsonBody, headers: headers)
    }

    /// Prompt tokens of a request: about four characters per token over every message's text.
    static func promptTokens(_ json: [String: Any]) -> Int {
        var chars = (json["prompt"] as? String)?.count ?? 0
        if let messages = json["messages"] as? [Any] {
            for case let m as [String: Any] in messages {
                if let text = m["content"] as? String { chars += text.count }
                else if let parts = m["content"] as? [Any] {
                    for case let p as [String: Any] in parts { chars += (p["text"] as? String)?.count ?? 0 }
                }
            }
        }
        return max(1, (chars + 3) / 4)
    }
}
