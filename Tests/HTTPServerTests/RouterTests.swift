import XCTest
@testable import HTTPServer

final class RouterTests: XCTestCase {
    func makeRouter() -> Router {
        var router = Router()
        router.add("GET", "/metrics") { _ in .text(200, "metrics") }
        router.add("POST", "/v2/transcript") { _ in .text(200, "created") }
        router.addPrefix("GET", "/v2/transcript/") { request in .text(200, "get \(request.path)") }
        router.addPrefix("DELETE", "/v2/transcript/") { request in .text(200, "delete \(request.path)") }
        router.addPrefix("GET", "/v2/transcript/special/") { _ in .text(200, "longest prefix") }
        return router
    }

    func body(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    func testExactAndPrefixRoutes() {
        let router = makeRouter()
        XCTAssertEqual(body(router.handle(HTTPRequest(method: "GET", path: "/metrics"))), "metrics")
        XCTAssertEqual(body(router.handle(HTTPRequest(method: "POST", path: "/v2/transcript"))), "created")
        XCTAssertEqual(body(router.handle(HTTPRequest(method: "GET", path: "/v2/transcript/abc"))), "get /v2/transcript/abc")
        XCTAssertEqual(body(router.handle(HTTPRequest(method: "delete", path: "/v2/transcript/abc"))), "delete /v2/transcript/abc")
        XCTAssertEqual(body(router.handle(HTTPRequest(method: "GET", path: "/v2/transcript/special/x"))), "longest prefix")
    }

    func testUnknownPathIs404() {
        let router = makeRouter()
        XCTAssertEqual(router.handle(HTTPRequest(method: "GET", path: "/metrics/extra")).status, 404)
        XCTAssertEqual(router.handle(HTTPRequest(method: "GET", path: "/")).status, 404)
        XCTAssertFalse(router.matches("/nope"))
        XCTAssertTrue(router.matches("/v2/transcript/1"))
    }

    func testWrongMethodIs405WithAllow() {
        let router = makeRouter()
        let response = router.handle(HTTPRequest(method: "POST", path: "/metrics"))
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.header("Allow"), "GET, HEAD")
        let prefixed = router.handle(HTTPRequest(method: "PUT", path: "/v2/transcript/abc"))
        XCTAssertEqual(prefixed.status, 405)
        XCTAssertEqual(prefixed.header("allow"), "DELETE, GET, HEAD")
        XCTAssertEqual(router.handle(HTTPRequest(method: "GET", path: "/v2/transcript")).header("Allow"), "POST")
    }

    func testHeadUsesTheGetHandler() {
        let router = makeRouter()
        let response = router.handle(HTTPRequest(method: "HEAD", path: "/metrics"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(body(response), "metrics", "the server, not the router, omits the body of HEAD")
    }
}
