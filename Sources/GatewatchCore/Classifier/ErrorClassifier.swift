/// Gives every failed upstream request exactly one (class, reason) of CONTRACT section 4.
///
/// Reads the transport failure if there is one, else the status, then the body: JSON
/// `error` (a string, or an object's `message`/`code`), `message`, `detail`, `errors[]`,
/// `metadata.errors[]` and `status`, or plain text. Messages are matched by key phrases of
/// the seeds, case-insensitively and ignoring punctuation, through one table per provider
/// family (`ClassifierTables`). Stateless: any thread may call it.
public struct ErrorClassifier: Sendable {
    public init() {}

    /// nil when the record is a success (2xx without a failed-job body). Never nil for a
    /// transport failure or a non-2xx.
    ///
    /// - A transport failure wins over a status (the answer did not arrive whole).
    /// - 2xx: a failure only when the body's top-level `status` is `"error"` (a failed job):
    ///   `processing/<reason>`. The common success (no body) allocates nothing.
    /// - 5xx: `server/status_500|502|503|504`, any other 5xx `server/status_5xx`, whatever the body.
    /// - 4xx: the provider family's table; a message no row knows keeps the status's class.
    /// - 1xx, 3xx, 600 and above: `other/other`.
    /// - No status and no transport failure: a body string a client logged is read as a
    ///   transport error when it is one (`timeout`, `network`, `tls`), else `other/other`.
    public func classify(_ record: RequestRecord, api: ProviderAPI) -> Classification? {
        if let failure = record.transportFailure {
            return TransportErrorClassifier.classify(failure)
        }
        guard let status = record.statusCode, status > 0 else {
            if let body = record.errorBody, let transport = TransportErrorClassifier.recognise(body.text) {
                return transport
            }
            return Classification(.other, "other")
        }
        switch status {
        case 200...299:
            guard let body = record.errorBody else { return nil }
            return ErrorClassifier.classifyJob(body)
        case 500: return Classification(.server, "status_500")
        case 502: return Classification(.server, "status_502")
        case 503: return Classification(.server, "status_503")
        case 504: return Classification(.server, "status_504")
        case 500...599: return Classification(.server, "status_5xx")
        case 400...499:
            let body = record.errorBody.map(ClassifierBody.init) ?? ClassifierBody(.text(""))
            return ClassifierTables.table(for: api).classify(status: status, body: body)
        default:
            return Classification(.other, "other")
        }
    }

    /// A 2xx body: `processing/<reason>` when it reports a failed job, else nil.
    static func classifyJob(_ body: ErrorBody) -> Classification? {
        let read = ClassifierBody(body)
        guard read.statusIsError else { return nil }
        return ClassifierTables.processing.classify(read.text) ?? Classification(.processing, "other")
    }
}
