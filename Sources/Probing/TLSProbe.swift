/// `tls`: TCP connect and TLS handshake to the target's host, nothing sent, no key, no cost.
/// It makes no HTTP request, so it produces no `RequestRecord`: it only sets the probe families.
enum TLSProbe {
    static func request(_ plan: ProbePlan) -> CurlRequest {
        CurlRequest(url: plan.url(path: "/"), connectOnly: true)
    }
}
