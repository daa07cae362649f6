import XCTest
@testable import GatewatchCore

// Helpers the classifier tests share (kept in a file named like the tests it serves).

/// One expected classification: a status and body, and `class/reason`.
struct ClassifierCase {
    var status: Int?
    var body: ErrorBody?
    var expected: String?
    var line: UInt

    init(_ status: Int?, _ body: ErrorBody?, _ expected: String?, line: UInt = #line) {
        self.status = status
        self.body = body
        self.expected = expected
        self.line = line
    }
}

/// The record the Recorder would build for a status and body.
func classifierRecord(status: Int?, body: ErrorBody?, transport: TransportFailure? = nil) -> RequestRecord {
    RequestRecord(provider: "p", region: "us", model: "m", source: .log, statusCode: status,
                  transportFailure: transport, startTime: 1_795_000_000, errorBody: body)
}

/// Classifies each case on `api` and checks it, naming the body and the case's line on failure.
func assertClassifications(_ cases: [ClassifierCase], api: ProviderAPI, file: StaticString = #filePath) {
    let classifier = ErrorClassifier()
    for c in cases {
        let got = classifier.classify(classifierRecord(status: c.status, body: c.body), api: api)
        XCTAssertEqual(got?.description, c.expected,
                       "\(api.rawValue) status \(c.status.map(String.init) ?? "none") body \(String(describing: c.body))",
                       file: file, line: c.line)
    }
}

/// A message as the speech API sends it: `{"error": "..."}`, with `"` and `\` escaped.
func speechBody(_ message: String) -> ErrorBody {
    .json("{\n\"error\": \"\(jsonEscaped(message))\"\n}")
}

/// A failed job as `GET /v2/transcript/{id}` returns it: a 200 with `status: error`.
func failedJobBody(_ message: String, audioURL: String? = nil) -> ErrorBody {
    let url = audioURL.map { "\"audio_url\": \"\(jsonEscaped($0))\",\n  " } ?? ""
    return .json("{\n  \"status\": \"error\",\n  \(url)\"error\": \"\(jsonEscaped(message))\",\n  \"id\": \"5551722-f677-48a6-8e6e-6d8ad6e4c4c8\"\n}")
}

/// The LLM Gateway's 400 envelope with `metadata.errors` (seed 000).
func gatewayValidationBody(_ errors: [String]) -> ErrorBody {
    let list = errors.map { "\"\(jsonEscaped($0))\"" }.joined(separator: ",\n      ")
    return .json("""
    {
      "code": 400,
      "message": "invalid request body",
      "request_id": "2a9adf03-c73e-4333-a42d-54b515e6afbd",
      "metadata": {
        "errors": [
          \(list)
        ]
      }
    }
    """)
}

/// An OpenAI-shaped error body.
func openAIBody(message: String, type: String = "invalid_request_error", code: String? = nil) -> ErrorBody {
    let codeJSON = code.map { "\"\(jsonEscaped($0))\"" } ?? "null"
    return .json("{\"error\": {\"message\": \"\(jsonEscaped(message))\", \"type\": \"\(type)\", \"param\": null, \"code\": \(codeJSON)}}")
}

func jsonEscaped(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
}
