import XCTest
@testable import GatewatchCore

final class RecentFailuresTests: XCTestCase {
    let key = "0123456789abcdef0123456789abcdef"

    private func record(_ i: Int, region: String = "eu", model: String = "claude-sonnet-4-6", status: Int? = 503,
                        body: String? = nil, source: RecordSource = .log, origin: String = "app") -> RequestRecord {
        RequestRecord(provider: "assemblyai_llm_gateway", region: region, host: "llm-gateway.\(region).assemblyai.com",
                      model: model, source: source, origin: origin, statusCode: status,
                      transportFailure: status == nil ? .message("connect ETIMEDOUT 10.0.0.1:443") : nil,
                      startTime: 1_795_000_000 + Double(i), latency: 0.5,
                      requestID: "00000000-0000-4000-8000-\(String(format: "%012d", i))",
                      errorBody: body.map { .json($0) } ?? (status == nil ? nil : .json(#"{"error": "Service Unavailable"}"#)))
    }

    func testCapacityAndNewestFirstOrder() {
        let ring = RecentFailures(capacity: 3, redactor: Redactor())
        XCTAssertEqual(ring.query(), [])
        for i in 0..<5 { ring.append(record: record(i), classification: Classification(.server, "status_503")) }
        XCTAssertEqual(ring.count, 3)
        XCTAssertEqual(ring.query().map(\.time), [1_795_000_004, 1_795_000_003, 1_795_000_002])
        XCTAssertEqual(ring.query(limit: 2).map(\.time), [1_795_000_004, 1_795_000_003])
        XCTAssertEqual(ring.query(limit: 0), [])
        XCTAssertEqual(RecentFailures(capacity: 0, redactor: Redactor()).capacity, 1)
    }

    func testFilters() {
        let ring = RecentFailures(capacity: 100, redactor: Redactor())
        ring.append(record: record(0, region: "us", model: "a"), classification: Classification(.server, "status_503"))
        ring.append(record: record(1, region: "eu", model: "a", status: 429), classification: Classification(.rateLimited, "model_rate_limit"))
        ring.append(record: record(2, region: "eu", model: "b"), classification: Classification(.server, "status_503"))
        ring.append(record: record(3, region: "eu", model: "b", status: nil), classification: Classification(.timeout, "connect_timeout"))

        XCTAssertEqual(ring.query(region: "eu").map(\.time), [1_795_000_003, 1_795_000_002, 1_795_000_001])
        XCTAssertEqual(ring.query(model: "a").map(\.time), [1_795_000_001, 1_795_000_000])
        XCTAssertEqual(ring.query(errorClass: .server).map(\.time), [1_795_000_002, 1_795_000_000])
        XCTAssertEqual(ring.query(since: 1_795_000_002).map(\.time), [1_795_000_003, 1_795_000_002])
        XCTAssertEqual(ring.query(limit: 1, region: "eu", errorClass: .server).map(\.time), [1_795_000_002])
        XCTAssertEqual(ring.query(region: "eu", model: "a", errorClass: .server), [])
        XCTAssertEqual(ring.query(requestID: "00000000-0000-4000-8000-000000000001").map(\.reason), ["model_rate_limit"])

        let transport = ring.query(errorClass: .timeout)[0]
        XCTAssertNil(transport.statusCode)
        XCTAssertEqual(transport.body, "connect ETIMEDOUT 10.0.0.1:443")
    }

    func testEntryFieldsAndRedaction() {
        let ring = RecentFailures(capacity: 10, redactor: Redactor(secrets: ["configured-secret-value"]))
        let body = #"{"error": "bad key configured-secret-value", "authorization": "Bearer \#(key)", "request_id": "6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd"}"#
        ring.append(record: record(7, body: body, source: .probe, origin: "llm-eu-chat"), classification: Classification(.auth, "invalid_key"))
        let e = ring.query()[0]
        XCTAssertEqual(e.provider, "assemblyai_llm_gateway")
        XCTAssertEqual(e.region, "eu")
        XCTAssertEqual(e.host, "llm-gateway.eu.assemblyai.com")
        XCTAssertEqual(e.model, "claude-sonnet-4-6")
        XCTAssertEqual(e.statusCode, 503)
        XCTAssertEqual(e.errorClass, .auth)
        XCTAssertEqual(e.reason, "invalid_key")
        XCTAssertEqual(e.requestID, "00000000-0000-4000-8000-000000000007")
        XCTAssertEqual(e.source, .probe)
        XCTAssertEqual(e.log, "llm-eu-chat")
        XCTAssertFalse(e.body.contains("configured-secret-value"))
        XCTAssertFalse(e.body.contains(key))
        XCTAssertTrue(e.body.contains("6e6f340d-6580-4cd4-a3f9-d6cb7323a9bd"))
    }

    func testRedactionUsesTheRedactorInForceAtAppendAndIsStable() {
        let ring = RecentFailures(capacity: 10, redactor: Redactor(secrets: ["old-secret-value"]))
        ring.append(record: record(0, body: "rejected old-secret-value"), classification: Classification(.auth, "invalid_key"))
        // A reload swaps the redactor before any query: the entry appended earlier still loses the old key.
        ring.setRedactor(Redactor(secrets: ["new-secret-value"]))
        ring.append(record: record(1, body: "rejected new-secret-value and old-secret-value"),
                    classification: Classification(.auth, "invalid_key"))
        let first = ring.query()
        XCTAssertEqual(first.map(\.body), ["rejected [REDACTED] and old-secret-value", "rejected [REDACTED]"])
        XCTAssertEqual(ring.query(), first)
        // A key-shaped request id is redacted before the request-id filter compares it.
        var r = record(2)
        r.requestID = key
        ring.append(record: r, classification: Classification(.server, "status_503"))
        XCTAssertEqual(ring.query(requestID: key), [])
        XCTAssertEqual(ring.query(requestID: "[REDACTED]").map(\.time), [1_795_000_002])
        XCTAssertEqual(ring.entry(record: r, classification: Classification(.server, "status_503")).requestID, "[REDACTED]")
    }

    func testBodyCutAt4KiBOnAUTF8Boundary() {
        let ring = RecentFailures(capacity: 10, redactor: Redactor())
        // 4095 ASCII bytes then 3-byte characters: the cut must not split one.
        let body = String(repeating: "x", count: 4095) + String(repeating: "€", count: 100)
        ring.append(record: record(0, body: body), classification: Classification(.server, "status_503"))
        let cut = ring.query()[0].body
        XCTAssertEqual(cut.utf8.count, 4095)
        XCTAssertEqual(cut, String(repeating: "x", count: 4095))

        let emoji = String(repeating: "🚀", count: 2000)  // 8000 bytes
        XCTAssertEqual(RecentFailures.cut(emoji, maxBytes: 4096).utf8.count, 4096)
        XCTAssertEqual(RecentFailures.cut(emoji, maxBytes: 4095).utf8.count, 4092)
        XCTAssertEqual(RecentFailures.cut("short", maxBytes: 4096), "short")

        // A key right at the 4 KiB mark never shows in part.
        let padded = String(repeating: "y ", count: 2040) + key + " tail"
        ring.append(record: record(1, body: padded), classification: Classification(.server, "status_503"))
        let b = ring.query()[0].body
        XCTAssertLessThanOrEqual(b.utf8.count, 4096)
        XCTAssertFalse(b.contains("0123456789abcdef"))
    }

    func testJSONKeysAndValues() throws {
        let ring = RecentFailures(capacity: 10, redactor: Redactor())
        ring.append(record: record(0), classification: Classification(.server, "status_503"))
        ring.append(record: record(1, status: nil, origin: "llm-eu-chat"), classification: Classification(.timeout, "connect_timeout"))
        let list = FailureList(failures: ring.query())
        let data = try list.jsonData()
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(root.keys), ["failures"])
        let items = try XCTUnwrap(root["failures"] as? [[String: Any]])
        XCTAssertEqual(items.count, 2)
        let keys: Set<String> = ["time", "provider", "region", "host", "model", "status_code", "class", "reason",
                                 "request_id", "body", "source", "log"]
        for item in items { XCTAssertEqual(Set(item.keys), keys) }
        let newest = items[0], older = items[1]
        XCTAssertTrue(newest["status_code"] is NSNull)
        XCTAssertEqual(newest["class"] as? String, "timeout")
        XCTAssertEqual(older["status_code"] as? Int, 503)
        XCTAssertEqual(older["class"] as? String, "server")
        XCTAssertEqual(older["reason"] as? String, "status_503")
        XCTAssertEqual(older["source"] as? String, "log")
        XCTAssertEqual(older["log"] as? String, "app")
        XCTAssertEqual(older["time"] as? String, "2026-11-18T11:06:40.000Z")
        XCTAssertEqual(older["body"] as? String, #"{"error": "Service Unavailable"}"#)

        // Round trip (what `gatewatch support-bundle` does).
        let back = try JSONDecoder().decode(FailureList.self, from: data)
        XCTAssertEqual(back, list)
    }

    func testConcurrentAppendsAreAllCounted() {
        let ring = RecentFailures(capacity: 100_000, redactor: Redactor())
        let records = (0..<4).map { record($0) }
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for _ in 0..<10_000 {
                ring.append(record: records[thread], classification: Classification(.server, "status_503"))
            }
        }
        XCTAssertEqual(ring.count, 40_000)
        XCTAssertEqual(ring.query(since: 1_795_000_003).count, 10_000)
    }

    func testWrapAroundKeepsEachSlotsOwnBodyAndRequestID() {
        let ring = RecentFailures(capacity: 4, redactor: Redactor())
        // Bodies of odd lengths (empty, one byte, 15/16 bytes around the small-string size,
        // longer than the 4 KiB cut, non-ASCII), request ids present, absent, non-ASCII, empty
        // and longer than a slot keeps as bytes (five of them over four slots: each slot sees
        // every kind follow every other).
        let bodies = ["", "x", String(repeating: "a", count: 15), String(repeating: "b", count: 16),
                      "ünïcödé 错误 🚀 body", String(repeating: "z", count: 5000), #"{"error": "Service Unavailable"}"#]
        let ids: [String?] = ["req-0", nil, "ид-запроса-🚀", String(repeating: "r", count: 200), ""]
        var expected: [(body: String, id: String?, time: Double)] = []
        for i in 0..<23 {
            var r = record(i, body: bodies[i % bodies.count])
            r.requestID = ids[i % ids.count]
            ring.append(record: r, classification: Classification(.server, "status_503"))
            expected.append((RecentFailures.cut(bodies[i % bodies.count], maxBytes: RecentFailures.maxBodyBytes),
                             ids[i % ids.count], r.startTime))
            if i % 5 == 2 {
                // A query now and then, so some slots are overwritten after being redacted.
                XCTAssertEqual(ring.query(limit: 1).first?.body, expected.last?.body)
            }
        }
        let got = ring.query()
        XCTAssertEqual(got.count, 4)
        XCTAssertEqual(got.map(\.body), expected.suffix(4).reversed().map(\.body))
        XCTAssertEqual(got.map(\.requestID), expected.suffix(4).reversed().map(\.id))
        XCTAssertEqual(got.map(\.time), expected.suffix(4).reversed().map(\.time))
        XCTAssertEqual(ring.query(), got)
    }

    func testTransportFailureTexts() {
        let ring = RecentFailures(capacity: 3, redactor: Redactor())
        let curl = RequestRecord(provider: "p", region: "us", source: .probe, origin: "probe-a",
                                 transportFailure: .curl(code: 28, message: "Operation timed out after 5000 ms"),
                                 startTime: 1, requestID: nil)
        ring.append(record: curl, classification: Classification(.timeout, "response_timeout"))
        let message = RequestRecord(provider: "p", region: "us", source: .log, statusCode: 0,
                                    transportFailure: .message("getaddrinfo ENOTFOUND api.example"), startTime: 2)
        ring.append(record: message, classification: Classification(.network, "dns"))
        let nothing = RequestRecord(provider: "p", region: "us", source: .log, statusCode: 418, startTime: 3)
        ring.append(record: nothing, classification: Classification(.other, "other"))
        let got = ring.query()
        XCTAssertEqual(got.map(\.body), ["", "getaddrinfo ENOTFOUND api.example", "curl error 28: Operation timed out after 5000 ms"])
        XCTAssertEqual(got.map(\.statusCode), [418, nil, nil])
        XCTAssertEqual(got.map(\.log), [nil, nil, "probe-a"])
        XCTAssertEqual(got.map(\.source), [.log, .log, .probe])
        XCTAssertEqual(ring.entry(record: curl, classification: Classification(.timeout, "response_timeout")), got[2])
    }

    func testReadyEntriesMixWithRecordedOnes() {
        let ring = RecentFailures(capacity: 3, redactor: Redactor(secrets: ["secret-value-123"]))
        let ready = FailureEntry(time: 5, provider: "p", region: "eu", host: nil, model: "m", statusCode: 500,
                                 errorClass: .server, reason: "status_500", requestID: "id-ready",
                                 body: "as given secret-value-123", source: .probe, log: "probe-b")
        ring.append(record: record(0, body: "one secret-value-123"), classification: Classification(.server, "status_503"))
        ring.append(ready)
        ring.append(record: record(1, body: "two"), classification: Classification(.server, "status_503"))
        XCTAssertEqual(ring.query().map(\.body), ["two", "as given secret-value-123", "one [REDACTED]"])
        XCTAssertEqual(ring.query(region: "eu", model: "m"), [ready])
        // Overwriting a ready slot with a recorded failure, and a redacted one with a ready entry.
        ring.append(record: record(2, body: "three"), classification: Classification(.server, "status_503"))
        ring.append(ready)
        XCTAssertEqual(ring.query().map(\.body), ["as given secret-value-123", "three", "two"])
    }

    func testManyRedactorsOverAWrappingRing() {
        // Each entry is redacted with the redactor in force at its append, however many
        // reloads came between (the ring drops redactors no held entry needs).
        let ring = RecentFailures(capacity: 5, redactor: Redactor(secrets: ["secret-number-0"]))
        for i in 0..<40 {
            ring.append(record: record(i, body: "keys secret-number-\(i / 3) secret-number-\(i / 3 + 1)"),
                        classification: Classification(.server, "status_503"))
            if i % 3 == 2 { ring.setRedactor(Redactor(secrets: ["secret-number-\((i + 1) / 3)"])) }
            if i == 17 { _ = ring.query(limit: 2) }
        }
        let got = ring.query()
        XCTAssertEqual(got.count, 5)
        for (k, e) in got.enumerated() {
            let i = 39 - k
            XCTAssertEqual(e.body, "keys [REDACTED] secret-number-\(i / 3 + 1)", "entry \(i)")
        }
    }
}
