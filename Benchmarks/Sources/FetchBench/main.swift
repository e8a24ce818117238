// FetchBench: what one page's HTTP costs, AsyncHTTPClient against NIO's own HTTP/1.1 client
// handlers (issue 25 asks which is cheaper per page). Both fetch the same URLs from nginx on
// loopback, `concurrency` at a time, each on kept-alive connections, and hand the body back
// whole to an async task, as a job's fetch does:
//
//   engine  crawld's `HTTPEngine.fetch` (AsyncHTTPClient under it, the shipped HTTP config);
//   nio     one channel per fetch in flight with `addHTTPClientHandlers`, a request head
//           written and the response gathered into one array by a handler: the least an
//           HTTP/1.1 client on NIO does, with no pool, redirects, cookies or deadline.
//
//     FetchBench engine|nio URLS_FILE FETCHES [--concurrency 16]
//
// A first pass of 200 fetches warms the connections and is not counted in the figures it
// prints; callgrind counts the whole run, so take a run with FETCHES and one with
// 2 × FETCHES and divide their difference by FETCHES:
//
//     valgrind --tool=callgrind --callgrind-out-file=/dev/null FetchBench-stripped nio urls.txt 2000
import BenchSupport
import Engines
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Fetches URLs and returns the body's size: one way of doing HTTP under test.
protocol Fetcher: Sendable {
    func fetch(_ url: URL, slot: Int) async throws -> Int
}

/// crawld's engine, as a job page's fetch calls it.
struct EngineFetcher: Fetcher {
    let engine: HTTPEngine

    func fetch(_ url: URL, slot: Int) async throws -> Int {
        try await engine.fetch(url: url.absoluteString).body.count
    }
}

/// One kept-alive channel per slot; a slot runs one fetch at a time.
struct NIOFetcher: Fetcher {
    let channels: [Channel]
    let collectors: [ResponseGatherer]

    static func connect(host: String, port: Int, slots: Int, group: EventLoopGroup) async throws -> NIOFetcher {
        var channels: [Channel] = []
        var collectors: [ResponseGatherer] = []
        for _ in 0..<slots {
            let gatherer = ResponseGatherer()
            let channel = try await ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(gatherer)
                    }
                }
                .connect(host: host, port: port).get()
            channels.append(channel)
            collectors.append(gatherer)
        }
        return NIOFetcher(channels: channels, collectors: collectors)
    }

    func fetch(_ url: URL, slot: Int) async throws -> Int {
        let channel = channels[slot]
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: url.path)
        head.headers.add(name: "host", value: "\(url.host ?? ""):\(url.port ?? 80)")
        head.headers.add(name: "user-agent", value: HTTPEngineConfiguration.defaultUserAgent)
        head.headers.add(name: "accept-encoding", value: "gzip, deflate")
        let promise = channel.eventLoop.makePromise(of: [UInt8].self)
        channel.eventLoop.execute {
            collectors[slot].promise = promise
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
        return try await promise.futureResult.get().count
    }
}

/// Gathers one response at a time into an array and completes the slot's promise at its end.
final class ResponseGatherer: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    /// Set on the channel's event loop before each request.
    var promise: EventLoopPromise<[UInt8]>?
    private var body: [UInt8] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let declared = head.headers.first(name: "content-length").flatMap(Int.init) ?? 16 * 1024
            body.reserveCapacity(declared)
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            var whole: [UInt8] = []
            swap(&whole, &body)
            promise?.succeed(whole)
            promise = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise?.fail(error)
        promise = nil
        context.close(promise: nil)
    }
}

/// Fetches `count` URLs of `urls` in turn, `concurrency` at a time; returns how many failed.
func run(_ urls: [URL], count: Int, concurrency: Int, with fetcher: some Fetcher) async -> Int {
    await withTaskGroup(of: (slot: Int, ok: Bool).self) { group in
        var next = 0
        var failed = 0
        func start(slot: Int) {
            let url = urls[next % urls.count]
            next += 1
            group.addTask { (slot, (try? await fetcher.fetch(url, slot: slot)) != nil) }
        }
        for slot in 0..<min(concurrency, count) { start(slot: slot) }
        for await (slot, ok) in group {
            if !ok { failed += 1 }
            if next < count { start(slot: slot) }
        }
        return failed
    }
}

func benchmark() async throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    let concurrency = option("--concurrency", in: &arguments).flatMap(Int.init) ?? 16
    guard arguments.count == 3, ["engine", "nio"].contains(arguments[0]), let count = Int(arguments[2]), count > 0 else {
        print("usage: FetchBench engine|nio URLS_FILE FETCHES [--concurrency 16]")
        exit(2)
    }
    let urls = try String(contentsOfFile: arguments[1], encoding: .utf8).split(separator: "\n").compactMap { URL(string: String($0)) }
    guard let first = urls.first, let host = first.host else {
        print("no URL in \(arguments[1])")
        exit(2)
    }
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    let engine = HTTPEngine(configuration: HTTPEngineConfiguration(), eventLoopGroup: group, logger: logger)
    let fetcher: any Fetcher
    if arguments[0] == "engine" {
        try await engine.start()
        fetcher = EngineFetcher(engine: engine)
    } else {
        fetcher = try await NIOFetcher.connect(host: host, port: first.port ?? 80, slots: concurrency, group: group)
    }
    let warmFailed = await run(urls, count: 200, concurrency: concurrency, with: fetcher)
    let wallStart = Date()
    let cpuStart = processCPUTime()
    let failed = await run(urls, count: count, concurrency: concurrency, with: fetcher)
    let cpu = processCPUTime() - cpuStart
    let wall = Date().timeIntervalSince(wallStart)
    print(
        String(
            format: "%@: %d fetches, %d in flight: %.0f fetches/s, %.1f us CPU a fetch (process, all threads), %d failed (+%d warming up)",
            arguments[0], count, concurrency, Double(count) / wall, cpu / Double(count) * 1e6, failed, warmFailed))
    await engine.close()
    if let nio = fetcher as? NIOFetcher {
        for channel in nio.channels { try? await channel.close() }
    }
    try await group.shutdownGracefully()
}

runBlocking(benchmark)
