/// `http`: `method` `path` with the probe's `headers` and `body` (and the target's key when it has
/// one), successful when the status is one of `expect_status`.
enum HTTPProbe {
    static func request(_ plan: ProbePlan) -> CurlRequest {
        let c = plan.config
        var lines = c.headers.map { "\($0.name): \($0.value)" }
        if let auth = plan.authorizationLine { lines.append(auth) }
        return CurlRequest(url: plan.url(path: c.path), method: c.method, headerLines: lines,
                           body: c.body.map { Array($0.utf8) })
    }
}
