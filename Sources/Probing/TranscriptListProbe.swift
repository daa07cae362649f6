/// `transcript_list`: `GET /v2/transcript?limit=1` on the speech API — proves the key and the
/// API's availability without creating anything or costing money.
enum TranscriptListProbe {
    static let path = "/v2/transcript?limit=1"

    static func request(_ plan: ProbePlan) -> CurlRequest {
        var lines = ["Accept: application/json"]
        if let auth = plan.authorizationLine { lines.append(auth) }
        return CurlRequest(url: plan.url(path: path), headerLines: lines)
    }
}
