/// One row of an error table: when the status is one of `statuses` and the body's messages
/// match `pattern`, the failure is `classification`.
struct ClassifierRule: Sendable {
    /// The HTTP statuses the row applies to.
    let statuses: [Int]
    let pattern: ClassifierPattern
    /// Only bodies that are not JSON (plain text, HTML), such as the speech API's `404: Not Found`.
    let plainTextOnly: Bool
    let classification: Classification

    /// A row for one status or several: `pattern` is `"a + b | c"` (see `ClassifierPattern`);
    /// the empty pattern makes the row the status's default.
    init(_ statuses: Int..., pattern: String, _ errorClass: ErrorClass, _ reason: String,
         plainTextOnly: Bool = false) {
        self.init(statuses: statuses, pattern: pattern, errorClass, reason, plainTextOnly: plainTextOnly)
    }

    init(statuses: [Int], pattern: String, _ errorClass: ErrorClass, _ reason: String,
         plainTextOnly: Bool = false) {
        self.statuses = statuses
        self.pattern = ClassifierPattern(pattern)
        self.plainTextOnly = plainTextOnly
        self.classification = Classification(errorClass, reason)
    }

    func matches(_ body: ClassifierBody) -> Bool {
        if plainTextOnly && (body.isJSON || body.isEmpty) { return false }
        return pattern.matches(body.text)
    }
}

/// An ordered list of rules for one provider family's 4xx answers, indexed by status:
/// the first matching row wins. A 4xx no row matches is `other/other`.
struct ClassifierTable: Sendable {
    let rules: [ClassifierRule]
    /// The rules of each status 400...499, in table order.
    private let byStatus: [[ClassifierRule]]

    init(_ rules: [ClassifierRule]) {
        self.rules = rules
        byStatus = (400...499).map { status in rules.filter { $0.statuses.contains(status) } }
    }

    /// The first matching row's classification for a 4xx `status`; `other/other` when none matches.
    func classify(status: Int, body: ClassifierBody) -> Classification {
        if status >= 400 && status <= 499 {
            for rule in byStatus[status - 400] where rule.matches(body) {
                return rule.classification
            }
        }
        return Classification(.other, "other")
    }
}

/// An ordered list of rules over a message with no status (failed jobs, transport errors):
/// the first matching row wins.
struct ClassifierMessageTable: Sendable {
    let rows: [(pattern: ClassifierPattern, classification: Classification)]

    init(_ rows: [(String, ErrorClass, String)]) {
        self.rows = rows.map { (ClassifierPattern($0.0), Classification($0.1, $0.2)) }
    }

    func classify(_ text: ClassifierText) -> Classification? {
        for row in rows where row.pattern.matches(text) {
            return row.classification
        }
        return nil
    }
}
