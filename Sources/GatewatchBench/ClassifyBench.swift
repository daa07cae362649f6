import Foundation
import GatewatchCore

/// Times `ErrorClassifier.classify` per kind of record (µs of this thread's CPU time per
/// classification, median of several runs, so other processes on a busy machine count less), beside Foundation's `JSONSerialization` merely parsing the same body, the
/// obvious alternative to the hand-written reader.
/// Usage: `GatewatchBench classify [runs] [case-name-part]` (default 5 runs after one warm-up,
/// every case), or
/// `GatewatchBench classify success-loop N`: classify N successes and exit, for counting the
/// success path's allocations with an external tool (valgrind, heaptrack) at two N.
enum ClassifyBench {
    struct Case {
        let name: String
        let api: ProviderAPI
        let record: RequestRecord
        let iterations: Int
    }

    static func run(_ arguments: [String]) {
        let classifier = ErrorClassifier()
        if arguments.first == "success-loop" {
            let n = arguments.dropFirst().first.flatMap(Int.init) ?? 1_000_000
            let record = makeRecord(status: 200, body: nil)
            var failures = 0
            for _ in 0..<n where classifier.classify(record, api: .assemblyAILLMGateway) != nil { failures += 1 }
            print("classified \(n) successes, \(failures) failures")
            return
        }
        let runs = max(1, arguments.first.flatMap(Int.init) ?? 5)
        print("classify benchmark: median of \(runs) runs (after 1 warm-up), thread CPU µs per classification\n")
        print(pad("case", 44) + pad("classification", 40) + pad("classify µs", 13) + "JSONSerialization parse only µs")
        let only = arguments.dropFirst().first
        for c in cases() where only.map({ c.name.contains($0) }) ?? true {
            var result: Classification?
            var times: [Double] = []
            for run in 0...runs {
                let start = threadCPUMicroseconds()
                for _ in 0..<c.iterations { result = classifier.classify(c.record, api: c.api) }
                let elapsed = threadCPUMicroseconds() - start
                if run > 0 { times.append(elapsed / Double(c.iterations)) }
            }
            times.sort()
            let reference = c.record.errorBody.map { jsonSerializationMicroseconds($0, iterations: min(c.iterations, 50_000)) }
            print(pad(c.name, 44) + pad(result?.description ?? "nil (success)", 40)
                  + pad(String(format: "%.3f", times[times.count / 2]), 13)
                  + (reference.map { String(format: "%.3f", $0) } ?? "-"))
        }
    }

    static func cases() -> [Case] {
        let transcoding = "Transcoding failed. File type text/html (HTML document, ASCII text) may be unsupported or an unexpected error occurred. See supported formats at https://www.assemblyai.com/docs/faq/what-audio-and-video-file-types-are-supported-by-your-api. If your file format is supported and you're still encountering this error, contact us at support@assemblyai.com."
        return [
            Case(name: "success: 200, no body", api: .assemblyAILLMGateway,
                 record: makeRecord(status: 200, body: nil), iterations: 5_000_000),
            Case(name: "server: 503, no body", api: .assemblyAILLMGateway,
                 record: makeRecord(status: 503, body: nil), iterations: 5_000_000),
            Case(name: "gateway 429, JSON body", api: .assemblyAILLMGateway,
                 record: makeRecord(status: 429, body: .json("{\"error\": \"Too Many Requests\", \"request_id\": \"6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd\"}")),
                 iterations: 200_000),
            Case(name: "gateway 400, metadata.errors", api: .assemblyAILLMGateway,
                 record: makeRecord(status: 400, body: .json("{\"code\": 400, \"message\": \"invalid request body\", \"request_id\": \"2a9adf03-c73e-4333-a42d-54b515e6afbd\", \"metadata\": {\"errors\": [\"response_format is invalid: json_schema.name is required\"]}}")),
                 iterations: 200_000),
            Case(name: "gateway 401, auth", api: .assemblyAILLMGateway,
                 record: makeRecord(status: 401, body: .json("{\"error\": \"Authentication error, API token missing/invalid\", \"status\": \"error\", \"request_id\": \"6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd\"}")),
                 iterations: 200_000),
            Case(name: "speech 400, deprecated speech_model", api: .assemblyAISpeech,
                 record: makeRecord(status: 400, body: .json("{\"error\": \"speech_model is deprecated. Use \\\"speech_models\\\" instead. See documentation: https://www.assemblyai.com/docs/pre-recorded-audio/select-the-speech-model\"}")),
                 iterations: 200_000),
            Case(name: "speech 400, '`limit` >= 1' (late row)", api: .assemblyAISpeech,
                 record: makeRecord(status: 400, body: .json("{\"error\": \"'limit' must be greater than or equal to 1\"}")),
                 iterations: 200_000),
            Case(name: "speech 404, HTML text", api: .assemblyAISpeech,
                 record: makeRecord(status: 404, body: .text("404: Not Found")), iterations: 200_000),
            Case(name: "speech 200 job, transcoding failed", api: .assemblyAISpeech,
                 record: makeRecord(status: 200, body: .json("{\"status\": \"error\", \"audio_url\": \"https://www.youtube.com/watch?v=r8KTOBOMm0A\", \"error\": \"\(transcoding)\"}")),
                 iterations: 200_000),
            Case(name: "speech 200 job, low confidence (last row)", api: .assemblyAISpeech,
                 record: makeRecord(status: 200, body: .json("{\"status\": \"error\", \"error\": \"detected language 'de', confidence 0.41, is below the requested confidence threshold value of '0.8'\"}")),
                 iterations: 200_000),
            Case(name: "openai 404, unknown model", api: .openAICompatible,
                 record: makeRecord(status: 404, body: .json("{\"error\": {\"message\": \"The model `GPT-5.4` does not exist or you do not have access to it.\", \"type\": \"invalid_request_error\", \"param\": null, \"code\": \"model_not_found\"}}")),
                 iterations: 200_000),
            Case(name: "transport: curl 28", api: .assemblyAILLMGateway,
                 record: makeRecord(status: nil, body: nil, transport: .curl(code: 28, message: "Operation timed out after 30001 milliseconds with 0 bytes received")),
                 iterations: 200_000),
            Case(name: "transport: Python requests ConnectionError", api: .assemblyAILLMGateway,
                 record: makeRecord(status: nil, body: nil, transport: .message("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='llm-gateway.eu.assemblyai.com', port=443): Max retries exceeded with url: /v1/chat/completions (Caused by NameResolutionError(\"<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to resolve 'llm-gateway.eu.assemblyai.com' ([Errno -3] Temporary failure in name resolution)\"))")),
                 iterations: 200_000),
            Case(name: "transport: unknown string (all rows)", api: .assemblyAILLMGateway,
                 record: makeRecord(status: nil, body: nil, transport: .message("something odd happened while talking to the upstream")),
                 iterations: 200_000),
        ]
    }

    static func makeRecord(status: Int?, body: ErrorBody?, transport: TransportFailure? = nil) -> RequestRecord {
        RequestRecord(provider: "assemblyai_llm_gateway", region: "us", model: "claude-sonnet-4-6", source: .log,
                      statusCode: status, transportFailure: transport, startTime: 1_795_000_000, latency: 0.8,
                      requestID: "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd", errorBody: body)
    }

    /// µs per `JSONSerialization.jsonObject` of the body (0 work when it is not JSON).
    static func jsonSerializationMicroseconds(_ body: ErrorBody, iterations: Int) -> Double {
        let data = Data(body.text.utf8)
        var parsed = 0
        let start = threadCPUMicroseconds()
        for _ in 0..<iterations where (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil {
            parsed += 1
        }
        let elapsed = threadCPUMicroseconds() - start
        return parsed == 0 ? .nan : elapsed / Double(iterations)
    }

    /// CPU time of the calling thread, in µs.
    static func threadCPUMicroseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e6 + Double(t.tv_nsec) / 1e3
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
