import XCTest
@testable import GatewatchCore

final class ProviderInferenceTests: XCTestCase {
    func testAssemblyAIHostsFromTheSeeds() {
        let cases: [(String, String?, String?)] = [
            ("llm-gateway.eu.assemblyai.com", "assemblyai_llm_gateway", "eu"),
            ("llm-gateway.assemblyai.com", "assemblyai_llm_gateway", "us"),
            ("api.assemblyai.com", "assemblyai_speech", "us"),
            ("api.eu.assemblyai.com", "assemblyai_speech", "eu"),
            ("streaming.assemblyai.com", "assemblyai_speech", "us"),
            ("streaming.eu.assemblyai.com", "assemblyai_speech", "eu"),
            ("something.eu.assemblyai.com", nil, "eu"),
            ("www.assemblyai.com", nil, "us"),
            ("assemblyai.com", nil, "us"),
            ("LLM-Gateway.EU.AssemblyAI.com.", "assemblyai_llm_gateway", "eu"),
        ]
        for (host, provider, region) in cases {
            let e = ProviderInference.endpoint(host)
            XCTAssertEqual(e?.provider, provider, host)
            XCTAssertEqual(e?.region, region, host)
        }
    }

    func testURLsAndHostsWithPortsAndUserInfo() {
        XCTAssertEqual(ProviderInference.host(of: "https://llm-gateway.eu.assemblyai.com/v1/chat/completions?x=1"),
                       "llm-gateway.eu.assemblyai.com")
        XCTAssertEqual(ProviderInference.host(of: "http://user:pw@api.assemblyai.com:8443/v2"), "api.assemblyai.com")
        XCTAssertEqual(ProviderInference.host(of: "api.eu.assemblyai.com:443"), "api.eu.assemblyai.com")
        XCTAssertEqual(ProviderInference.host(of: "//api.eu.assemblyai.com/x"), "api.eu.assemblyai.com")
        XCTAssertEqual(ProviderInference.host(of: "http://[::1]:9000/v1"), "::1")
        XCTAssertNil(ProviderInference.host(of: "https://"))
        XCTAssertNil(ProviderInference.host(of: "  "))
        XCTAssertEqual(ProviderInference.endpoint("https://api.eu.assemblyai.com/v2/transcript")?.region, "eu")
        XCTAssertEqual(ProviderInference.endpoint("https://api.eu.assemblyai.com/v2/transcript")?.provider, "assemblyai_speech")
    }

    func testUnknownHostsTakeTheDefault() {
        let e = ProviderInference.endpoint("https://api.llmai.example/v1/chat")
        XCTAssertEqual(e?.host, "api.llmai.example")
        XCTAssertNil(e?.provider)
        XCTAssertNil(e?.region)
        XCTAssertEqual(ProviderInference.provider("api.llmai.example", default: "llmai"), "llmai")
        XCTAssertEqual(ProviderInference.region("api.llmai.example", default: "unknown"), "unknown")
        // Not fooled by a look-alike.
        XCTAssertNil(ProviderInference.endpoint("evilassemblyai.com")?.region)
        XCTAssertNil(ProviderInference.endpoint("api.assemblyai.com.evil.example")?.region)
    }

    func testRegionStrings() {
        XCTAssertEqual(ProviderInference.region("eu"), "eu")
        XCTAssertEqual(ProviderInference.region(" US "), "us")
        XCTAssertEqual(ProviderInference.region("ap-south"), "ap-south")
        XCTAssertEqual(ProviderInference.region(""), "unknown")
        XCTAssertEqual(ProviderInference.region("", default: "eu"), "eu")
        XCTAssertEqual(ProviderInference.region("llm-gateway.eu.assemblyai.com"), "eu")
        XCTAssertEqual(ProviderInference.region("https://llm-gateway.assemblyai.com/v1"), "us")
        XCTAssertTrue(ProviderInference.isHostOrURL("a.b"))
        XCTAssertFalse(ProviderInference.isHostOrURL("eu"))
    }
}
