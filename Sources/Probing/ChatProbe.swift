import GatewatchCore

/// `chat`: `POST /v1/chat/completions` with one short message and `max_tokens: 1` — the
/// cheapest request that proves the model answers. It costs money and spends rate limit, so it
/// asks the budget first. Its answer always stops at the token limit, which is intended and so
/// not counted as a truncated response.
enum ChatProbe {
    static let path = "/v1/chat/completions"

    static func body(model: String) -> String {
        "{\"model\":\(JSONLiteral.string(model)),\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}],\"max_tokens\":1}"
    }

    static func request(_ plan: ProbePlan) -> CurlRequest {
        var lines = ["Content-Type: application/json", "Accept: application/json"]
        if let auth = plan.authorizationLine { lines.append(auth) }
        return CurlRequest(url: plan.url(path: path), method: "POST", headerLines: lines,
                           body: Array(body(model: plan.model).utf8))
    }

}
