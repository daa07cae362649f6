import Foundation
import HTTPServer
import Metrics

/// Serves `/metrics` from a registry of N series shaped like gatewatch's own (the render
/// benchmark's registry) through the real HTTP server, for `wrk` to load.
/// Usage: `GatewatchBench scrape-server [series] [address]`; prints the bound address, runs until killed.
enum ScrapeServer {
    static func run(_ arguments: [String]) {
        let series = arguments.first.flatMap(Int.init) ?? 10_000
        let address = arguments.count > 1 ? arguments[1] : "127.0.0.1:0"
        let registry = RenderBenchmark.makeRegistry(series: series)
        var router = Router()
        router.add("GET", "/metrics") { request in
            let format = ExpositionFormat.negotiate(accept: request.header("Accept"))
            return HTTPResponse(status: 200, headers: [("Content-Type", format.contentType)],
                                body: registry.render(format)).compressedIfAccepted(by: request)
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(listenAddresses: [address]),
                                handler: router.handler)
        do {
            try server.start()
        } catch {
            FileHandle.standardError.write(Data("scrape-server: \(error)\n".utf8))
            exit(1)
        }
        FileHandle.standardOutput.write(Data("listening \(server.boundAddresses.joined(separator: " ")) series=\(series)\n".utf8))
        while true { sleep(3600) }
    }
}
